package io.github.wsgiflux.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;

/**
 * A Reactor Netty pipeline hook that decides, with the HTTP/1.x rules Reactor Netty leaves out, whether a connection
 * persists after a response. Applies to native handlers too.
 * <ul>
 * <li>HTTP/1.0 keep-alive: when the client asked for it ({@code Connection: keep-alive}, as ApacheBench {@code -k}
 * and some proxies send) and the response has a length the client can tell, it adds {@code Connection: keep-alive},
 * which an HTTP/1.0 connection needs to persist (RFC 9112 Appendix C.2.2). Reactor Netty answers an HTTP/1.0 request
 * with an HTTP/1.0 response and without that header, so it closed the connection after each response.</li>
 * <li>{@code Expect: 100-continue} answered before {@code 100 Continue}: the client may skip the content it announced
 * (curl does, for bodies over 1 MiB), so a server that answers without reading it should close the connection or go
 * on reading (RFC 9110 10.1.1). Reactor Netty sends {@code 100 Continue} only when the body is read, and kept the
 * connection when a handler answered without reading: the next request was read as the skipped body (a 400). The
 * final response then gets {@code Connection: close}.</li>
 * <li>A body of unknown length to an HTTP/1.0 request: Reactor Netty sent it chunked, which an HTTP/1.0 client cannot
 * read and RFC 9112 6.1 forbids ("MUST NOT send a response containing Transfer-Encoding unless the corresponding
 * request indicates HTTP/1.1"). The response loses {@code Transfer-Encoding} and gets {@code Connection: close}: the
 * body is delimited by the close (RFC 9112 6.3, item 8).</li>
 * </ul>
 */
@ChannelHandler.Sharable
public final class PersistentConnectionHandler extends ChannelOutboundHandlerAdapter {

	private static final String NAME = "wsgifluxPersistentConnection";

	/** The request of the connection that was sent {@code 100 Continue}, until its final response. */
	private static final AttributeKey<Object> CONTINUED = AttributeKey.valueOf(PersistentConnectionHandler.class,
			"continued");

	private static final PersistentConnectionHandler INSTANCE = new PersistentConnectionHandler();

	private PersistentConnectionHandler() {
	}

	/**
	 * Install the hook on a connection's pipeline, in front of Reactor Netty's HTTP/1.x traffic handler (which
	 * decides from the response whether the connection persists); a pipeline without one is left alone.
	 * @param channel the channel of a new connection
	 */
	public static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
			pipeline.addAfter(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
		}
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response
				&& ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest request) {
			if (response.status().code() == HttpResponseStatus.CONTINUE.code()) {
				ctx.channel().attr(CONTINUED).set(request);
			}
			else if (response.status().code() >= 200) {
				persistence(ctx, response, request);
			}
		}
		super.write(ctx, msg, promise);
	}

	private static void persistence(ChannelHandlerContext ctx, HttpResponse response, HttpServerRequest request) {
		HttpHeaders headers = response.headers();
		if (request.version() == HttpVersion.HTTP_1_0 && HttpUtil.isTransferEncodingChunked(response)) {
			headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			return;
		}
		if (expectsContinue(request) && ctx.channel().attr(CONTINUED).getAndSet(null) != request) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			return;
		}
		if (response.protocolVersion() == HttpVersion.HTTP_1_0 && !headers.contains(HttpHeaderNames.CONNECTION)
				&& hasLength(response) && request.isKeepAlive()) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
		}
	}

	private static boolean expectsContinue(HttpServerRequest request) {
		return request.version() == HttpVersion.HTTP_1_1
				&& request.requestHeaders().containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true);
	}

	private static boolean hasLength(HttpResponse response) {
		int code = response.status().code();
		return HttpUtil.isContentLengthSet(response) || code == 204 || code == 304 || (code >= 100 && code < 200);
	}

}
