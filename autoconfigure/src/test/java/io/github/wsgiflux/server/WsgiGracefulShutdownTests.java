package io.github.wsgiflux.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code server.shutdown=graceful}, a streaming WSGI response in flight completes while the server refuses new
 * connections, and the scheduler is disposed only after the web server has drained. The response is held open by a
 * gate the test opens only once the server refuses connections, so the order does not depend on timing.
 */
class WsgiGracefulShutdownTests {

	@Test
	void inFlightStreamingResponseCompletesDuringGracefulShutdown() throws Exception {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		ConfigurableApplicationContext context = application.run("--server.port=0", "--server.shutdown=graceful",
				"--spring.lifecycle.timeout-per-shutdown-phase=60s");
		Gates gates = context.getBean(Gates.class);
		Thread closer = new Thread(context::close, "closer");
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			Scheduler scheduler = context.getBean("wsgiScheduler", Scheduler.class);
			HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
					HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/slow")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(gates.inBody.await(30, TimeUnit.SECONDS)).isTrue();

			closer.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> refusesConnections(port));
			assertThat(inFlight).isNotDone();
			assertThat(scheduler.isDisposed()).as("disposed while a response was in flight").isFalse();
			gates.rest.countDown();

			HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("part0;part1;part2;part3;part4;");
			closer.join(TimeUnit.SECONDS.toMillis(60));
			assertThat(closer.isAlive()).isFalse();
			assertThat(context.isActive()).isFalse();
			assertThat(scheduler.isDisposed()).isTrue();
		}
		finally {
			gates.rest.countDown();
			if (!closer.isAlive()) {
				context.close();
			}
		}
	}

	private static boolean refusesConnections(int port) throws IOException {
		try (Socket socket = new Socket("localhost", port)) {
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
	}

	/** Holds the body after its first chunk until the test opens {@link #rest}. */
	static final class Gates {

		final CountDownLatch inBody = new CountDownLatch(1);

		final CountDownLatch rest = new CountDownLatch(1);

	}

	/** Five chunks; the second one waits for the gate. */
	static final class Slow implements Iterable<byte[]> {

		private final Gates gates;

		Slow(Gates gates) {
			this.gates = gates;
		}

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private int i;

				@Override
				public boolean hasNext() {
					return this.i < 5;
				}

				@Override
				public byte[] next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					if (this.i == 1) {
						Slow.this.gates.inBody.countDown();
						try {
							if (!Slow.this.gates.rest.await(60, TimeUnit.SECONDS)) {
								throw new IllegalStateException("the test never opened the gate");
							}
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
							throw new IllegalStateException(ex);
						}
					}
					return ("part" + this.i++ + ";").getBytes(StandardCharsets.UTF_8);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Gates gates() {
			return new Gates();
		}

		@Bean
		WsgiApplication slow(Gates gates) {
			return (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return new Slow(gates);
			};
		}

	}

}
