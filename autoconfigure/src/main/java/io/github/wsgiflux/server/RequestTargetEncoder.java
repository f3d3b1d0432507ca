package io.github.wsgiflux.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import reactor.netty.NettyPipeline;

/**
 * A Reactor Netty pipeline hook, after the HTTP/1.x decoder: percent-encodes the bytes of a request-target that real
 * clients send unencoded but {@code java.net.URI} refuses (non-ASCII, {@code "}, {@code <}, {@code >}, {@code \},
 * {@code ^}, backtick, {@code {}, {@code |}, {@code }}, and in the query a {@code %} that starts no escape), so that
 * Spring parses the request instead of answering 400
 * before any handler runs. Native handlers see the encoded target; the original is kept in the request header
 * {@value #ORIGINAL_TARGET_HEADER} for the WSGI environ, which PEP 3333 wants as received ({@code QUERY_STRING} raw).
 * Any copy of that header a client sends is removed first, and the gateway trusts it only on channels this hook is
 * installed on.
 */
@ChannelHandler.Sharable
public final class RequestTargetEncoder extends ChannelInboundHandlerAdapter {

	/** The header that carries the request-target as received when this hook had to encode it. */
	public static final String ORIGINAL_TARGET_HEADER = "X-Wsgiflux-Original-Target";

	/** Marks a channel this hook is installed on. */
	static final AttributeKey<Boolean> INSTALLED = AttributeKey.valueOf(RequestTargetEncoder.class.getName());

	private static final String NAME = "wsgifluxRequestTargetEncoder";

	private static final RequestTargetEncoder INSTANCE = new RequestTargetEncoder();

	private static final char[] HEX = "0123456789ABCDEF".toCharArray();

	/** ASCII bytes RFC 3986 never allows unencoded, which {@code java.net.URI} refuses. */
	private static final boolean[] ENCODE = new boolean[128];

	static {
		for (char c : "\"<>\\^`{|}".toCharArray()) {
			ENCODE[c] = true;
		}
	}

	private RequestTargetEncoder() {
	}

	/**
	 * Install the hook on a connection's pipeline, just before Reactor Netty's HTTP/1.x traffic handler, so that it
	 * also sees the requests of a cleartext connection that may upgrade to HTTP/2 (h2c), whose codec is added later
	 * and unnamed. A pipeline without the traffic handler yet (TLS with ALPN, configured after the handshake) is left
	 * alone.
	 * @param channel the channel of a new connection
	 */
	public static void install(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (pipeline.get(NettyPipeline.HttpTrafficHandler) != null && pipeline.get(NAME) == null) {
			pipeline.addBefore(NettyPipeline.HttpTrafficHandler, NAME, INSTANCE);
			channel.attr(INSTALLED).set(Boolean.TRUE);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof HttpRequest request) {
			request.headers().remove(ORIGINAL_TARGET_HEADER);
			String uri = request.uri();
			int first = firstToEncode(uri);
			if (first >= 0) {
				request.headers().set(ORIGINAL_TARGET_HEADER, uri);
				request.setUri(encode(uri, first));
			}
		}
		ctx.fireChannelRead(msg);
	}

	private static int firstToEncode(String uri) {
		int length = uri.length();
		int query = length;
		for (int i = 0; i < length; i++) {
			char c = uri.charAt(i);
			if (c == '?' && query == length) {
				query = i;
			}
			if (mustEncode(uri, i, c, i > query)) {
				return i;
			}
		}
		return -1;
	}

	private static String encode(String uri, int first) {
		int length = uri.length();
		int query = uri.indexOf('?');
		if (query < 0) {
			query = length;
		}
		StringBuilder encoded = new StringBuilder(length + 16);
		encoded.append(uri, 0, first);
		for (int i = first; i < length; i++) {
			char c = uri.charAt(i);
			if (mustEncode(uri, i, c, i > query)) {
				// The decoder gives each byte of the request line as one char (ISO-8859-1): c is a byte.
				int b = c & 0xFF;
				encoded.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
			}
			else {
				encoded.append(c);
			}
		}
		return encoded.toString();
	}

	/**
	 * Whether a char must be encoded for {@code java.net.URI}: the bytes above, and in the query a {@code %} that
	 * starts no escape (PEP 3333 passes the query as received, undecoded; a bad escape in the path stays a 400).
	 */
	private static boolean mustEncode(String uri, int i, char c, boolean inQuery) {
		if (c >= 128 || ENCODE[c]) {
			return true;
		}
		return c == '%' && inQuery && !(i + 2 < uri.length() && isHex(uri.charAt(i + 1)) && isHex(uri.charAt(i + 2)));
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
