package io.github.wsgiflux.server;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

/**
 * With {@code server.shutdown=graceful}, a streaming WSGI response in flight completes, and the scheduler is disposed
 * only after the web server has drained.
 */
class WsgiGracefulShutdownTests {

	static final CountDownLatch STARTED = new CountDownLatch(1);

	@Test
	void inFlightStreamingResponseCompletesDuringGracefulShutdown() throws Exception {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		ConfigurableApplicationContext context = application.run("--server.port=0", "--server.shutdown=graceful",
				"--spring.lifecycle.timeout-per-shutdown-phase=20s");
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		Scheduler scheduler = context.getBean("wsgiScheduler", Scheduler.class);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/slow")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(STARTED.await(10, TimeUnit.SECONDS)).isTrue();

		Thread closer = new Thread(context::close, "closer");
		closer.start();
		HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("part0;part1;part2;part3;part4;");
		closer.join(20_000);
		assertThat(context.isActive()).isFalse();
		assertThat(scheduler.isDisposed()).isTrue();
	}

	/** Five chunks, 300 ms apart. */
	static final class Slow implements Iterable<byte[]> {

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
					if (this.i == 0) {
						STARTED.countDown();
					}
					try {
						Thread.sleep(300);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new IllegalStateException(ex);
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
		WsgiApplication slow() {
			return (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return new Slow();
			};
		}

	}

}
