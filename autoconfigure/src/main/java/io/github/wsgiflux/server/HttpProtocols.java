package io.github.wsgiflux.server;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.util.ClassUtils;

/**
 * What Spring's request abstraction does not expose and Reactor Netty knows: the HTTP version, the request-target as
 * received, the headers as received (before Spring's forwarded-header handling removed some) and Reactor Netty's
 * own forwarded view. Other servers get defaults.
 */
final class HttpProtocols {

	static final String HTTP_1_1 = "HTTP/1.1";

	static final String HTTP_1_0 = "HTTP/1.0";

	/** The headers a proxy sets that change the scheme, host or port of the request (not only the client address). */
	private static final List<String> FORWARDED_HOST_HEADERS = List.of("Forwarded", "X-Forwarded-Host",
			"X-Forwarded-Port", "X-Forwarded-Proto", "X-Forwarded-Ssl");

	private static final boolean REACTOR_NETTY_PRESENT = ClassUtils
		.isPresent("reactor.netty.http.server.HttpServerRequest", HttpProtocols.class.getClassLoader());

	/** Spring's request over Reactor Netty, as the server hands it to the handler before any filter changes it. */
	private static final @Nullable Class<?> REACTOR_SERVER_REQUEST = REACTOR_NETTY_PRESENT ? ClassUtils.resolveClassName(
			"org.springframework.http.server.reactive.ReactorServerHttpRequest", HttpProtocols.class.getClassLoader())
			: null;

	/** The last request class found to have no native request (a mock); racy on purpose, a cache only. */
	private static @Nullable Class<?> withoutNativeRequest;

	private HttpProtocols() {
	}

	/**
	 * The Reactor Netty request behind a request, or {@code null} for another server or a mock. Look it up once per
	 * request ({@link RequestTarget} keeps it).
	 */
	static @Nullable Object nativeRequest(ServerHttpRequest request) {
		if (!REACTOR_NETTY_PRESENT) {
			return null;
		}
		if (request.getClass() == withoutNativeRequest) {
			return null;
		}
		try {
			Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
			return ReactorNetty.isReactorNetty(nativeRequest) ? nativeRequest : null;
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			// A mock request (tests, benchmarks) has no native request: remembered, so that its next requests do not
			// pay for an exception each.
			withoutNativeRequest = request.getClass();
			return null;
		}
	}

	/**
	 * The {@code SERVER_PROTOCOL}: the version of the request line; HTTP/1.1 for other servers.
	 * @param nativeRequest the Reactor Netty request, or {@code null}
	 */
	static String protocol(@Nullable Object nativeRequest) {
		return (nativeRequest != null) ? ReactorNetty.protocol(nativeRequest) : HTTP_1_1;
	}

	/**
	 * Whether the request speaks a version the gateway serves: HTTP/1.0, HTTP/1.1 or HTTP/2 (Reactor Netty parses
	 * any {@code HTTP/x.y} request line).
	 */
	static boolean isSupported(String protocol) {
		return switch (protocol) {
			case HTTP_1_1, HTTP_1_0, "HTTP/2.0", "HTTP/2" -> true;
			default -> false;
		};
	}

	/**
	 * The request-target as the client sent it, or {@code null} when the server is not Reactor Netty.
	 * @param nativeRequest the Reactor Netty request, or {@code null}
	 */
	static @Nullable String rawTarget(@Nullable Object nativeRequest) {
		return (nativeRequest != null) ? ReactorNetty.rawTarget(nativeRequest) : null;
	}

	/**
	 * Whether a proxy's headers that set the scheme, host or port arrived, as received from the client (Spring's
	 * {@code ForwardedHeaderTransformer} removes them from the request it passes on). Without Reactor Netty: whether
	 * the request still has them.
	 */
	static boolean hasForwardedHost(ServerHttpRequest request, @Nullable Object nativeRequest) {
		if (nativeRequest != null) {
			return ReactorNetty.hasForwardedHost(nativeRequest);
		}
		for (String name : FORWARDED_HOST_HEADERS) {
			if (request.getHeaders().containsHeader(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Reactor Netty's view of the host and port (from {@code Host}, or from forwarded headers with the
	 * {@code native} strategy), as {@code host:port}, or {@code null} when the server is not Reactor Netty.
	 */
	static @Nullable String nativeHostAndPort(@Nullable Object nativeRequest) {
		return (nativeRequest != null) ? ReactorNetty.hostAndPort(nativeRequest) : null;
	}

	/**
	 * Call the action once per header line of the request as Reactor Netty received it, without the copies Spring's
	 * header adapter makes per name (a set of the names, a list of the values of each): only for Reactor Netty's own
	 * request, not one a filter mutated or decorated (its headers may differ, as Spring's
	 * {@code ForwardedHeaderTransformer} removes the forwarded ones).
	 * @param request the request the handler got
	 * @param nativeRequest its Reactor Netty request, or {@code null}
	 * @param action receives each name as received and its value
	 * @return whether the lines were given; {@code false} when the caller must read {@code request.getHeaders()}
	 */
	static boolean forEachReceivedHeader(ServerHttpRequest request, @Nullable Object nativeRequest,
			BiConsumer<String, String> action) {
		if (nativeRequest == null || request.getClass() != REACTOR_SERVER_REQUEST) {
			return false;
		}
		ReactorNetty.forEachHeader(nativeRequest, action);
		return true;
	}

	private static final class ReactorNetty {

		static boolean isReactorNetty(Object nativeRequest) {
			return nativeRequest instanceof HttpServerRequest;
		}

		static String protocol(Object nativeRequest) {
			// HttpVersion.text() is a constant per version: no allocation.
			return ((HttpServerRequest) nativeRequest).version().text();
		}

		static String rawTarget(Object nativeRequest) {
			HttpServerRequest request = (HttpServerRequest) nativeRequest;
			// Trusted only behind the hook that sets it (and removes any copy a client sent).
			if (request instanceof Connection connection
					&& connection.channel().hasAttr(RequestTargetEncoder.INSTALLED)) {
				String original = request.requestHeaders().get(RequestTargetEncoder.ORIGINAL_TARGET_HEADER);
				if (original != null) {
					return original;
				}
			}
			return request.uri();
		}

		static void forEachHeader(Object nativeRequest, BiConsumer<String, String> action) {
			Iterator<Map.Entry<CharSequence, CharSequence>> lines = ((HttpServerRequest) nativeRequest).requestHeaders()
				.iteratorCharSequence();
			while (lines.hasNext()) {
				Map.Entry<CharSequence, CharSequence> line = lines.next();
				// Strings already over HTTP/1.x; HPACK's AsciiStrings (HTTP/2) keep the String they make.
				action.accept(line.getKey().toString(), line.getValue().toString());
			}
		}

		static boolean hasForwardedHost(Object nativeRequest) {
			HttpHeaders headers = ((HttpServerRequest) nativeRequest).requestHeaders();
			for (String name : FORWARDED_HOST_HEADERS) {
				if (headers.contains(name)) {
					return true;
				}
			}
			return false;
		}

		static String hostAndPort(Object nativeRequest) {
			HttpServerRequest request = (HttpServerRequest) nativeRequest;
			String host = request.hostName();
			boolean bracket = host.indexOf(':') >= 0 && host.charAt(0) != '[';
			return (bracket ? "[" + host + "]" : host) + ":" + request.hostPort();
		}

	}

}
