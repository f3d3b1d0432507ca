package io.github.wsgiflux.server;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 9110 10.1.1 ({@code Expect: 100-continue}): a client may skip its content when the final answer comes before
 * {@code 100 Continue}; a server that answers before reading the content should say whether it closes the
 * connection or goes on reading. Found by uploading with curl, which sends the expectation for bodies over 1 MiB:
 * an application that answered without reading left the connection open, and the next request was read as the
 * skipped body (a 400). The same held for native handlers (Reactor Netty): the gateway's pipeline hook covers both.
 */
@SpringBootTest(classes = WsgiExpectContinueTests.Config.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
class WsgiExpectContinueTests {

	@LocalServerPort
	int port;

	@ParameterizedTest
	@ValueSource(strings = { "/ignore", "/native/ignore" })
	void anAnswerWithoutReadingAnExpectedBodyClosesTheConnection(String path) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			send(socket, "POST " + path + " HTTP/1.1\r\nHost: h\r\nContent-Length: 5000000\r\n"
					+ "Expect: 100-continue\r\n\r\n");
			String head = RawHttp.readResponse(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 200 ");
			assertThat(head.toLowerCase(Locale.ROOT)).contains("connection: close");
			// The body was never sent, and no request follows on this connection: the server closes it.
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void anApplicationThatReadsTheBodyGetsItAfter100ContinueAndTheConnectionStaysOpen() throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			send(socket, "POST /read HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
			String interim = RawHttp.readHead(socket.getInputStream());
			assertThat(interim).startsWith("HTTP/1.1 100 ");
			send(socket, "hello");
			String head = RawHttp.readResponse(socket.getInputStream());
			assertThat(head).startsWith("HTTP/1.1 200 ");
			assertThat(head.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
			// The same connection serves the next request.
			send(socket, "GET /ignore HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
		}
	}

	@Test
	void anUnreadBodyWithoutTheExpectationKeepsTheConnection() throws IOException {
		// No expectation: the client sends its content anyway, the server discards it and goes on.
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			send(socket, "POST /ignore HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
			String head = RawHttp.readResponse(socket.getInputStream());
			assertThat(head.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
			send(socket, "GET /ignore HTTP/1.1\r\nHost: h\r\n\r\n");
			assertThat(RawHttp.readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200 ");
		}
	}

	private static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		WsgiApplication app() {
			List<Header> text = List.of(Header.of("Content-Type", "text/plain"));
			return (environ, start) -> {
				Environ env = Environ.of(environ);
				byte[] body = "/read".equals(environ.get(Environ.PATH_INFO)) ? env.input().readAllBytes()
						: "ignored".getBytes(StandardCharsets.US_ASCII);
				start.start("200 OK", text);
				return List.of(body);
			};
		}

		@Bean
		RouterFunction<ServerResponse> nativeRoute() {
			return RouterFunctions.route()
				.POST("/native/ignore", (request) -> ServerResponse.ok().bodyValue("ignored"))
				.build();
		}

	}

}
