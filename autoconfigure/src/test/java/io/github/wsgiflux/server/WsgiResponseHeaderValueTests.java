package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Response header values as real applications send them, over a real port. Django writes every cookie with a
 * leading space; RFC 9110 section 5.5 says whitespace around a field value is not part of it, so the gateway strips
 * it (as gunicorn does) and the page is served. Every other byte either reaches the client as sent or gets the
 * gateway's own 500 before anything is sent, never Spring's error page; and whatever the answer, the body is closed
 * once and the worker is freed (a refused header used to park the worker forever).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
class WsgiResponseHeaderValueTests {

	static final AtomicInteger calls = new AtomicInteger();

	static final AtomicInteger closes = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	BoundedWsgiScheduler scheduler;

	@BeforeEach
	void reset() {
		calls.set(0);
		closes.set(0);
	}

	@Test
	void djangoStyleCookieWithALeadingSpaceIsServedOnAStreamedBody() {
		for (int i = 0; i < 300; i++) {
			// More requests than the scheduler has workers: one leaked worker per request would stall this loop.
			String response = get("/stream?cookie=%20csrftoken%3Dabc%3B%20Path%3D%2F");
			assertThat(response).startsWith("HTTP/1.1 200 ").contains("\r\nSet-Cookie: csrftoken=abc; Path=/\r\n");
			assertThat(response).endsWith("\r\n\r\n3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n");
		}
		assertAllEnded(300, 300);
	}

	@Test
	void djangoStyleCookieWithALeadingSpaceIsServedOnAWholeBody() {
		String response = get("/whole?cookie=%20sessionid%3Dxyz%3B%20HttpOnly");
		assertThat(response).startsWith("HTTP/1.1 200 ").contains("\r\nSet-Cookie: sessionid=xyz; HttpOnly\r\n");
		assertAllEnded(1, 1);
	}

	@Test
	void everyByteInAHeaderValueIsSentStrippedOrAnsweredWithTheGateways500() {
		List<String> refused = new ArrayList<>();
		int requests = 0;
		for (int b = 0; b <= 0xFF; b++) {
			for (String position : new String[] { "lead", "mid", "trail" }) {
				String response = get("/stream?byte=" + b + "&at=" + position);
				requests++;
				String value = probe(b, position);
				if (response.startsWith("HTTP/1.1 200 ")) {
					assertThat(response).as("byte 0x%02x %s", b, position)
						.contains("\r\nX-Probe: " + ResponseHead.stripWhitespace(value) + "\r\n");
				}
				else {
					assertThat(response).as("byte 0x%02x %s", b, position)
						.startsWith("HTTP/1.1 500 ")
						.contains("Content-Type: text/plain")
						.endsWith("500 Internal Server Error\n")
						.doesNotContain("X-Probe");
					refused.add(String.format("%02x", b));
				}
			}
		}
		// The control characters but HTAB, and DEL, in any position (RFC 9110 5.5 field-content).
		assertThat(refused).hasSize(32 * 3);
		// A refused header fails start_response, so the application never returned a body to close.
		assertAllEnded(requests, requests - refused.size());
	}

	private String get(String target) {
		return RawHttp.exchange(this.port,
				"GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
	}

	private void assertAllEnded(int requests, int bodies) {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.scheduler.getActiveCount()).isZero());
		assertThat(calls.get()).isEqualTo(requests);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closes.get()).isEqualTo(bodies));
	}

	static String probe(int b, String position) {
		char c = (char) b;
		return switch (position) {
			case "lead" -> c + "v";
			case "mid" -> "v" + c + "w";
			default -> "v" + c;
		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class HeaderApplication {

		@Bean
		WsgiApplication headers() {
			return (environ, start) -> {
				calls.incrementAndGet();
				Environ env = Environ.of(environ);
				List<Header> headers = new ArrayList<>();
				headers.add(Header.of("Content-Type", "text/plain"));
				String cookie = env.queryParameter("cookie");
				if (cookie != null) {
					headers.add(Header.of("Set-Cookie", cookie));
				}
				String b = env.queryParameter("byte");
				if (b != null) {
					headers.add(Header.of("X-Probe", probe(Integer.parseInt(b), env.queryParameter("at"))));
				}
				start.start("200 OK", headers);
				List<byte[]> chunks = "/whole".equals(env.pathInfo()) ? List.of("one".getBytes(StandardCharsets.US_ASCII))
						: List.of("one".getBytes(StandardCharsets.US_ASCII), "two".getBytes(StandardCharsets.US_ASCII));
				return new ClosingBody(chunks.iterator());
			};
		}

	}

	/** Not a collection, so the gateway streams it. */
	record ClosingBody(Iterator<byte[]> chunks) implements Iterable<byte[]>, AutoCloseable {

		@Override
		public Iterator<byte[]> iterator() {
			return this.chunks;
		}

		@Override
		public void close() {
			closes.incrementAndGet();
		}

	}

}
