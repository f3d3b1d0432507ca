package io.github.wsgiflux.server;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1 GiB up and 1 GiB down through a WSGI application in a JVM whose heap is 64 MiB (the {@code large-bodies}
 * Surefire execution): only backpressure in both directions lets this pass.
 */
@ExtendWith(NettyLeaks.class)
@SpringBootTest(classes = LargeBodyStreamingTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LargeBodyStreamingTests {

	static final long GIB = 1024L * 1024 * 1024;

	static final int CHUNK = 64 * 1024;

	@LocalServerPort
	int port;

	final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void heapIsSmallerThanTheBodies() {
		assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(64L * 1024 * 1024);
	}

	@Test
	void oneGibibyteResponseStreamsToASlowlyReadingClient() throws Exception {
		HttpResponse<InputStream> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/download")).build(),
				HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		long total = 0;
		byte[] buffer = new byte[CHUNK];
		try (InputStream body = response.body()) {
			int n;
			while ((n = body.read(buffer)) > 0) {
				total += n;
			}
		}
		assertThat(total).isEqualTo(GIB);
	}

	@Test
	void oneGibibyteUploadIsReadAsItArrives() throws Exception {
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/upload"))
					.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedStream(GIB)))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(Long.toString(GIB));
	}

	/** The body of {@code /download}: 1 GiB in 64 KiB chunks, produced lazily. */
	static final class Download implements Iterable<byte[]> {

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private long sent;

				@Override
				public boolean hasNext() {
					return this.sent < GIB;
				}

				@Override
				public byte[] next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					this.sent += CHUNK;
					byte[] chunk = new byte[CHUNK];
					Arrays.fill(chunk, (byte) 'x');
					return chunk;
				}
			};
		}

	}

	/** An upload body generated on the fly. */
	static final class GeneratedStream extends InputStream {

		private long remaining;

		GeneratedStream(long size) {
			this.remaining = size;
		}

		@Override
		public int read() {
			if (this.remaining == 0) {
				return -1;
			}
			this.remaining--;
			return 'y';
		}

		@Override
		public int read(byte[] b, int off, int len) {
			if (this.remaining == 0) {
				return -1;
			}
			int n = (int) Math.min(len, this.remaining);
			Arrays.fill(b, off, off + n, (byte) 'y');
			this.remaining -= n;
			return n;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		WsgiApplication largeBodies() {
			return (environ, start) -> {
				List<Header> headers = List.of(Header.of("Content-Type", "application/octet-stream"));
				if ("/download".equals(environ.get(Environ.PATH_INFO))) {
					start.start("200 OK", headers);
					return new Download();
				}
				InputStream input = Environ.of(environ).input();
				byte[] buffer = new byte[CHUNK];
				long total = 0;
				int n;
				while ((n = input.read(buffer)) > 0) {
					total += n;
				}
				start.start("200 OK", headers);
				return List.of(Long.toString(total).getBytes(StandardCharsets.US_ASCII));
			};
		}

	}

}
