package io.github.wsgiflux.server;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.AfterEach;
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
 * The application-fault table of the README for faults the conformance tests do not cover: a {@code null} chunk, a
 * failing {@code next()} before the first chunk, a streamed body longer or shorter than its {@code Content-Length}.
 * Each has its outcome, the body is closed, no worker stays busy and the server keeps serving.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
class WsgiApplicationFaultTests {

	static final AtomicInteger closes = new AtomicInteger();

	@LocalServerPort
	int port;

	@Autowired
	BoundedWsgiScheduler scheduler;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port);
		closes.set(0);
	}

	@AfterEach
	void bodyClosedWorkerFreedStillServing() {
		await().atMost(Duration.ofSeconds(5)).until(() -> closes.get() == 1 && this.scheduler.getActiveCount() == 0);
		assertThat(this.http.get("/ok").statusCode()).isEqualTo(200);
	}

	@Test
	void nullChunkIsA500() {
		assertThat(this.http.get("/null-chunk").statusCode()).isEqualTo(500);
	}

	@Test
	void failingNextBeforeTheFirstChunkIsA500WithoutDetails() {
		HttpResponse<String> response = this.http.get("/next-fails");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).doesNotContain("secret").doesNotContain("IllegalStateException");
	}

	@Test
	void streamedBodyLongerThanItsContentLengthIsAborted() {
		String response = RawHttp.exchange(this.port, "GET /declares-10-sends-15 HTTP/1.1\r\nHost: x\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ");
		assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).hasSizeLessThanOrEqualTo(10);
	}

	@Test
	void streamedBodyShorterThanItsContentLengthIsAborted() {
		String response = RawHttp.exchange(this.port, "GET /declares-10-sends-5 HTTP/1.1\r\nHost: x\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ");
		assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).hasSizeLessThan(10);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FaultyApplication {

		@Bean
		WsgiApplication faulty() {
			List<Header> text = List.of(Header.of("Content-Type", "text/plain"));
			List<Header> ten = List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "10"));
			return (environ, start) -> {
				String path = Environ.of(environ).pathInfo();
				switch (path) {
					case "/ok" -> {
						start.start("200 OK", text);
						return List.of("ok".getBytes(StandardCharsets.US_ASCII));
					}
					case "/null-chunk" -> {
						start.start("200 OK", text);
						return closing(Arrays.asList(new byte[][] { null }).iterator());
					}
					case "/next-fails" -> {
						start.start("200 OK", text);
						return closing(new Iterator<>() {

							@Override
							public boolean hasNext() {
								return true;
							}

							@Override
							public byte[] next() {
								throw new IllegalStateException("secret");
							}
						});
					}
					case "/declares-10-sends-15" -> {
						start.start("200 OK", ten);
						return closing(List.of(new byte[5], new byte[5], new byte[5]).iterator());
					}
					case "/declares-10-sends-5" -> {
						start.start("200 OK", ten);
						return closing(List.of(new byte[3], new byte[2]).iterator());
					}
					default -> {
						start.start("404 Not Found", text);
						return List.of();
					}
				}
			};
		}

		private static Iterable<byte[]> closing(Iterator<byte[]> chunks) {
			return new ClosingBody(chunks);
		}

	}

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
