package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * A Reactor Netty pipeline hook, after the HTTP/1.x decoder: refuses a request whose {@code Transfer-Encoding} the
 * decoder accepted but RFC 9112 does not, before any handler sees it, and closes the connection, so that the bytes
 * after it cannot be read as a request of their own (request smuggling).
 * <ul>
 * <li>400 when the final coding is not {@code chunked} (RFC 9112 6.3, item 4: the length cannot be determined; Netty
 * reads such a request as bodiless, and its body as the next request), or {@code chunked} is applied more than once
 * (RFC 9112 7).</li>
 * <li>501 when a coding other than {@code chunked} precedes it (RFC 9112 6.1: a coding the server does not
 * understand; Netty would hand the body on still encoded).</li>
 * </ul>
 * Native handlers are protected too: the hook sits in front of every HTTP/1.x handler.
 */
@ChannelHandler.Sharable
public final class TransferEncodingGuard extends ChannelInboundHandlerAdapter {

	private static final String NAME = "wsgifluxTransferEncodingGuard";

	private static final TransferEncodingGuard INSTANCE = new TransferEncodingGuard();

	/** Marks a connection whose request was refused: whatever else arrives on it is dropped. */
	private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(TransferEncodingGuard.class.getName());

	private static final RefusalLog refusals = new RefusalLog();

	private TransferEncodingGuard() {
	}

	/**
	 * Install the hook on a connection's pipeline, just before Reactor Netty's HTTP/1.x traffic handler (see
	 * {@link RequestTargetEncoder#install}).
	 * @param channel the channel of a new connection
	 */
	public static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (ctx.channel().hasAttr(REFUSED)) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest request) {
			List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
			HttpResponseStatus status = codings.isEmpty() ? null : check(codings);
			if (status != null) {
				ctx.channel().attr(REFUSED).set(Boolean.TRUE);
				ReferenceCountUtil.release(msg);
				refusals.refused(RefusalLog.Cause.TRANSFER_ENCODING, status.code(), request.method().name(),
						request.uri(), "Transfer-Encoding '" + String.join(", ", codings) + "'"
								+ ((status.code() == 501) ? " has a coding other than chunked"
										: " does not end with a single chunked (RFC 9112 6.3, 7)"));
				ctx.writeAndFlush(refusal(status)).addListener(ChannelFutureListener.CLOSE);
				return;
			}
		}
		ctx.fireChannelRead(msg);
	}

	/**
	 * The status for these codings, or {@code null} when they are acceptable: any number of empty list elements, one
	 * {@code chunked}, last.
	 */
	static @Nullable HttpResponseStatus check(List<String> fieldLines) {
		boolean chunkedLast = false;
		int chunked = 0;
		boolean other = false;
		for (String line : fieldLines) {
			for (String element : line.split(",", -1)) {
				String coding = element.strip();
				if (coding.isEmpty()) {
					continue;
				}
				if (coding.equalsIgnoreCase("chunked")) {
					chunked++;
					chunkedLast = true;
				}
				else {
					other = true;
					chunkedLast = false;
				}
			}
		}
		if (!chunkedLast || chunked > 1) {
			return HttpResponseStatus.BAD_REQUEST;
		}
		return other ? HttpResponseStatus.NOT_IMPLEMENTED : null;
	}

	private static FullHttpResponse refusal(HttpResponseStatus status) {
		byte[] body = (status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
				Unpooled.wrappedBuffer(body));
		response.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
			.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		return response;
	}

}
