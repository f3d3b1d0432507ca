package io.github.wsgiflux.server;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import io.github.wsgiflux.test.RawHttp;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bad-input matrix: hostile or broken requests over a raw socket (a client library would refuse to send them).
 * Each gets its defined answer; after each, no worker is left running, the next good request is served, and (for
 * the class) no buffer leaked.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "wsgi.request.max-body-size=1KB")
class WsgiBadInputMatrixTests extends WsgiServerTestSupport {

	private static final String HOST = "Host: localhost\r\n";

	@Autowired
	BoundedWsgiScheduler scheduler;

	@AfterEach
	void noStuckWorkerAndStillServing() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 0);
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	static Stream<Arguments> badRequests() {
		return Stream.of(
				Arguments.of("malformed request line", "GARBAGE\r\n\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("invalid method token", "G(T /env HTTP/1.1\r\n" + HOST + "\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("HTTP/0.9 request", "GET /env\r\n\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("HTTP/1.2 request", "GET /env HTTP/1.2\r\n" + HOST + "\r\n", "HTTP/1.2 505 ", false),
				Arguments.of("header without colon", "GET /env HTTP/1.1\r\n" + HOST + "NoColonHere\r\n\r\n",
						"HTTP/1.1 400 ", false),
				Arguments.of("NUL in a header value", "GET /env HTTP/1.1\r\n" + HOST + "X-Nul: a\u0000b\r\n\r\n",
						"HTTP/1.1 400 ", false),
				Arguments.of("bare CR in a header value", "GET /env HTTP/1.1\r\n" + HOST + "X-Cr: a\rb\r\n\r\n",
						"HTTP/1.1 400 ", false),
				Arguments.of("over-long header", "GET /env HTTP/1.1\r\n" + HOST + "X-Huge: " + "h".repeat(20_000)
						+ "\r\n\r\n", "HTTP/1.1 431 ", false),
				Arguments.of("too many headers", "GET /env HTTP/1.1\r\n" + HOST + "X-Many: v\r\n".repeat(2000)
						+ "\r\n", "HTTP/1.1 431 ", false),
				Arguments.of("over-long URI", "GET /" + "u".repeat(10_000) + " HTTP/1.1\r\n" + HOST + "\r\n",
						"HTTP/1.1 414 ", false),
				Arguments.of("invalid percent-encoding", "GET /a%zz HTTP/1.1\r\n" + HOST + "\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("truncated percent-encoding", "GET /a%4 HTTP/1.1\r\n" + HOST + "\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("conflicting Content-Length", "POST /echo HTTP/1.1\r\n" + HOST
						+ "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde", "HTTP/1.1 400 ", false),
				Arguments.of("Content-Length with chunked (request smuggling)", "POST /echo HTTP/1.1\r\n" + HOST
						+ "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "HTTP/1.1 400 ", false),
				Arguments.of("malformed chunk size", "POST /echo HTTP/1.1\r\n" + HOST
						+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", "HTTP/1.1 400 ",
						true),
				Arguments.of("declared body over max-body-size", "POST /echo HTTP/1.1\r\n" + HOST
						+ "Content-Length: 2000\r\nConnection: close\r\n\r\n" + "x".repeat(2000), "HTTP/1.1 413 ", false));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badRequests")
	void badRequestGetsItsStatus(String name, String request, String expected, boolean mayReachApplication) {
		String response = RawHttp.exchange(this.port, request);
		assertThat(response).as(name).startsWith(expected);
		assertThat(response).as(name).doesNotContain("Exception").doesNotContain("at io.");
		if (!mayReachApplication) {
			assertThat(this.app.threadsOf("call")).as(name).isEmpty();
		}
		// A broken chunk arriving with the headers is refused by Netty before or after the request is dispatched
		// (a race): if the application was called, its read fails; the client gets 400 either way.
	}

	@Test
	void obsoleteHeaderFoldingIsUnfoldedIntoOneValue() {
		String response = RawHttp.exchange(this.port,
				"GET /env HTTP/1.1\r\n" + HOST + "X-Folded: a\r\n  b\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ").contains("HTTP_X_FOLDED=a b");
	}

	@Test
	void dotDotSegmentsReachTheApplicationUnresolved() {
		String response = RawHttp.exchange(this.port,
				"GET /a/../b/%2e%2e/c HTTP/1.1\r\n" + HOST + "Connection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("legacy GET |/a/../b/../c");
	}

	@Test
	void overlongUtf8PercentEncodingReachesTheApplicationAsItsBytes() {
		String response = RawHttp.exchange(this.port, "GET /%c0%ae%c0%ae/x HTTP/1.1\r\n" + HOST
				+ "Connection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ");
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		// PEP 3333: the decoded bytes as ISO-8859-1 characters, never interpreted as a path.
		// The test application decodes PATH_INFO's bytes as UTF-8: C0 AE is no valid UTF-8 (an overlong '.').
		assertThat(new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
			.isEqualTo("legacy GET |/\ufffd\ufffd\ufffd\ufffd/x");
	}

	@Test
	void bodyShorterThanItsContentLengthThenCloseFreesTheWorker() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /echo HTTP/1.1\r\n" + HOST + "Content-Length: 100\r\n\r\n0123456789")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.app.threadsOf("call").isEmpty());
			socket.shutdownOutput();
			socket.setSoTimeout(5000);
			InputStream in = socket.getInputStream();
			while (in.read() >= 0) {
				// drain whatever the server answers until it closes
			}
		}
		// The application's read failed (its call ended, freeing the worker): see noStuckWorkerAndStillServing.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 0);
	}

	@Test
	void headersTrickledSlowlyHoldNoWorker() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			for (char c : ("GET /env HTTP/1.1\r\n" + HOST + "X-Slow: ").toCharArray()) {
				out.write(c);
				out.flush();
				Thread.sleep(5);
			}
			for (int i = 0; i < 10; i++) {
				out.write('s');
				out.flush();
				Thread.sleep(100);
				assertThat(this.scheduler.getActiveCount()).isZero();
				assertThat(this.scheduler.getQueuedCount()).isZero();
			}
		}
		assertThat(this.app.threadsOf("call")).isEmpty();
	}

}
