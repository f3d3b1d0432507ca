package io.github.wsgiflux.server;

import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.ClassUtils;

/**
 * The {@code SERVER_PROTOCOL} of a request. Spring's request abstraction does not expose the HTTP version, so it is
 * read from the native request of Reactor Netty when that is the server; other servers report HTTP/1.1.
 */
final class HttpProtocols {

	static final String HTTP_1_1 = "HTTP/1.1";

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.HttpServerRequest", HttpProtocols.class.getClassLoader());

	private HttpProtocols() {
	}

	static String protocol(ServerHttpRequest request) {
		if (REACTOR_NETTY_PRESENT && request instanceof AbstractServerHttpRequest nativeHolder) {
			try {
				return ReactorNetty.protocol(nativeHolder.getNativeRequest());
			}
			catch (IllegalStateException ex) {
				// A mock request (tests) has no native request.
				return HTTP_1_1;
			}
		}
		return HTTP_1_1;
	}

	/**
	 * Whether the request speaks a version the gateway serves: HTTP/1.0, HTTP/1.1 or HTTP/2 (Reactor Netty parses
	 * any {@code HTTP/x.y} request line).
	 */
	static boolean isSupported(ServerHttpRequest request) {
		String protocol = protocol(request);
		return switch (protocol) {
			case HTTP_1_1, "HTTP/1.0", "HTTP/2.0", "HTTP/2" -> true;
			default -> false;
		};
	}

	private static final class ReactorNetty {

		static String protocol(Object nativeRequest) {
			if (nativeRequest instanceof reactor.netty.http.server.HttpServerRequest request) {
				// HttpVersion.text() is a constant per version: no allocation.
				return request.version().text();
			}
			return HTTP_1_1;
		}

	}

}
