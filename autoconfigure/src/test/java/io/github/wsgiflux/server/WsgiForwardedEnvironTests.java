package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.github.wsgiflux.test.EnvironJsonApp;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a proxy, one consistent view as werkzeug's {@code ProxyFix} gives: {@code HTTP_HOST}, {@code SERVER_NAME},
 * {@code SERVER_PORT}, {@code wsgi.url_scheme} and {@code REMOTE_ADDR} all from the forwarded values, with either
 * forwarded-headers strategy of Spring Boot; without one, the proxy's headers change nothing.
 */
class WsgiForwardedEnvironTests {

	private static final String PROXIED = "GET /p?q=1 HTTP/1.1\r\nHost: internal:8080\r\n"
			+ "X-Forwarded-Host: public.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.7\r\n"
			+ "Connection: close\r\n\r\n";

	abstract static class Strategy {

		@LocalServerPort
		int port;

		@Test
		void xForwardedHeadersGiveOneConsistentPublicView() {
			assertThat(environ(this.port, PROXIED)).containsEntry("HTTP_HOST", "public.example")
				.containsEntry("SERVER_NAME", "public.example")
				.containsEntry("SERVER_PORT", "443")
				.containsEntry("wsgi.url_scheme", "https")
				.containsEntry("REMOTE_ADDR", "203.0.113.7")
				.containsEntry("PATH_INFO", "/p")
				.containsEntry("QUERY_STRING", "q=1");
		}

		@Test
		void aForwardedPortIsPartOfHttpHost() {
			Map<String, String> environ = environ(this.port, "GET / HTTP/1.1\r\nHost: internal:8080\r\n"
					+ "X-Forwarded-Host: public.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 8443\r\n"
					+ "Connection: close\r\n\r\n");
			assertThat(environ).containsEntry("HTTP_HOST", "public.example:8443")
				.containsEntry("SERVER_NAME", "public.example")
				.containsEntry("SERVER_PORT", "8443")
				.containsEntry("wsgi.url_scheme", "https");
		}

		@Test
		void rfc7239ForwardedHeaderGivesTheSameView() {
			Map<String, String> environ = environ(this.port, "GET / HTTP/1.1\r\nHost: internal:8080\r\n"
					+ "Forwarded: for=203.0.113.7;proto=https;host=public.example\r\nConnection: close\r\n\r\n");
			assertThat(environ).containsEntry("HTTP_HOST", "public.example")
				.containsEntry("SERVER_NAME", "public.example")
				.containsEntry("SERVER_PORT", "443")
				.containsEntry("wsgi.url_scheme", "https")
				.containsEntry("REMOTE_ADDR", "203.0.113.7");
		}

		@Test
		void withoutProxyHeadersTheHostFieldStillRules() {
			Map<String, String> environ = environ(this.port,
					"GET / HTTP/1.1\r\nHost: legacy_app:8080\r\nConnection: close\r\n\r\n");
			assertThat(environ).containsEntry("HTTP_HOST", "legacy_app:8080")
				.containsEntry("SERVER_NAME", "legacy_app")
				.containsEntry("SERVER_PORT", "8080")
				.containsEntry("wsgi.url_scheme", "http")
				.containsEntry("REMOTE_ADDR", "127.0.0.1");
		}

	}

	@Nested
	@SpringBootTest(classes = Config.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "server.forward-headers-strategy=framework")
	@ExtendWith(NettyLeaks.class)
	class FrameworkStrategy extends Strategy {

		@Test
		void springRemovesTheProxyHeaders() {
			assertThat(environ(this.port, PROXIED)).doesNotContainKeys("HTTP_X_FORWARDED_HOST",
					"HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR");
		}

	}

	@Nested
	@SpringBootTest(classes = Config.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "server.forward-headers-strategy=native")
	@ExtendWith(NettyLeaks.class)
	class NativeStrategy extends Strategy {

		@Test
		void reactorNettyKeepsTheProxyHeaders() {
			assertThat(environ(this.port, PROXIED)).containsEntry("HTTP_X_FORWARDED_HOST", "public.example");
		}

	}

	@Nested
	@SpringBootTest(classes = Config.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	@ExtendWith(NettyLeaks.class)
	class NoStrategy {

		@LocalServerPort
		int port;

		@Test
		void proxyHeadersAreOnlyHeaders() {
			assertThat(environ(this.port, PROXIED)).containsEntry("HTTP_HOST", "internal:8080")
				.containsEntry("SERVER_NAME", "internal")
				.containsEntry("SERVER_PORT", "8080")
				.containsEntry("wsgi.url_scheme", "http")
				.containsEntry("REMOTE_ADDR", "127.0.0.1")
				.containsEntry("HTTP_X_FORWARDED_HOST", "public.example");
		}

	}

	/**
	 * The environ is built from the headers the handler gets: a filter's changes count (the gateway reads the lines as
	 * Reactor Netty received them only when no filter replaced the request).
	 */
	@Nested
	@SpringBootTest(classes = { Config.class, HeaderFilterConfig.class },
			webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	@ExtendWith(NettyLeaks.class)
	class FilterChangesHeaders {

		@LocalServerPort
		int port;

		@Test
		void aHeaderAddedOrRemovedByAWebFilterIsWhatTheApplicationSees() {
			Map<String, String> environ = environ(this.port,
					"GET / HTTP/1.1\r\nHost: a\r\nX-Secret: s\r\nX-Kept: k\r\nConnection: close\r\n\r\n");
			assertThat(environ).containsEntry("HTTP_X_TENANT", "acme")
				.containsEntry("HTTP_X_KEPT", "k")
				.doesNotContainKey("HTTP_X_SECRET");
		}

		@Test
		void withoutTheFilterTheHeadersAsReceived() {
			Map<String, String> environ = environ(this.port, "GET / HTTP/1.1\r\nHost: a\r\nX-Secret: s\r\n"
					+ "X-Unfiltered: yes\r\nConnection: close\r\n\r\n");
			assertThat(environ).containsEntry("HTTP_X_SECRET", "s").doesNotContainKey("HTTP_X_TENANT");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HeaderFilterConfig {

		@Bean
		WebFilter tenantFilter() {
			return (exchange, chain) -> {
				if (exchange.getRequest().getHeaders().containsHeader("X-Unfiltered")) {
					return chain.filter(exchange);
				}
				return chain.filter(exchange.mutate()
					.request((request) -> request.headers((headers) -> {
						headers.add("X-Tenant", "acme");
						headers.remove("X-Secret");
					}))
					.build());
			};
		}

	}

	static Map<String, String> environ(int port, String request) {
		String response = RawHttp.exchange(port, request);
		assertThat(response).startsWith("HTTP/1.1 200 ");
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		return EnvironJsonApp.parse(new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		EnvironJsonApp root() {
			return new EnvironJsonApp("root");
		}

	}

}
