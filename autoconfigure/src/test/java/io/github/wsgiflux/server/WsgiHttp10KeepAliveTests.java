package io.github.wsgiflux.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.EnvironJsonApp;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/1.0 keep-alive (ApacheBench {@code -k}, some proxies): RFC 9112 9.3 and its Appendix C.2.2 — a persistent
 * HTTP/1.0 connection needs {@code Connection: keep-alive} in the request and in the response, and a response whose
 * length the client can tell without a close.
 */
@SpringBootTest(classes = WsgiHttp10KeepAliveTests.Config.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
class WsgiHttp10KeepAliveTests {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/wsgi", "/native" })
	void http10KeepAliveServesTwoRequestsOnOneConnection(String path) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			for (int i = 0; i < 2; i++) {
				socket.getOutputStream()
					.write(("GET " + path + " HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n")
						.getBytes(StandardCharsets.ISO_8859_1));
				String head = RawHttp.readResponse(socket.getInputStream());
				assertThat(head).as("response " + i).startsWith("HTTP/1.");
				assertThat(head).contains(" 200 ");
				assertThat(head.toLowerCase(Locale.ROOT)).contains("connection: keep-alive");
			}
		}
	}

	/**
	 * RFC 9112 6.1: "A server MUST NOT send a response containing Transfer-Encoding unless the corresponding request
	 * indicates HTTP/1.1"; a body of unknown length then ends when the connection closes (6.3, item 8).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "/stream/", "/native-stream" })
	void aStreamedBodyToAnHttp10RequestIsNotChunkedAndEndsWithTheConnection(String path) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			// Read to the end of the stream: the server must close it to end the body.
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
			assertThat(head).contains(" 200 ").doesNotContain("transfer-encoding").contains("connection: close");
			assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).isEqualTo("first,second");
		}
	}

	@Test
	void http11StillGetsItsStreamedBodyChunked() {
		String response = RawHttp.exchange(this.port, "GET /stream/ HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
		assertThat(response.toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		EnvironJsonApp root() {
			return new EnvironJsonApp("root");
		}

		@Bean
		WsgiMount stream() {
			// An iterable that is no collection: streamed, its length unknown.
			return new WsgiMount("/stream", "stream", (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return () -> List.of("first,".getBytes(StandardCharsets.US_ASCII),
						"second".getBytes(StandardCharsets.US_ASCII)).iterator();
			});
		}

		@Bean
		RouterFunction<ServerResponse> nativeRoute() {
			return RouterFunctions.route()
				.GET("/native", (request) -> ServerResponse.ok().bodyValue("native"))
				.GET("/native-stream", (request) -> ServerResponse.ok()
					.contentType(MediaType.TEXT_PLAIN)
					.body(Flux.just("first,", "second"), String.class))
				.build();
		}

	}

}
