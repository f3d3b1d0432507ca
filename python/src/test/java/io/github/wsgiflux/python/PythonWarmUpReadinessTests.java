package io.github.wsgiflux.python;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.wsgiflux.test.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application configured by properties alone, with an import that lasts until the test lets it finish: the
 * port is open, liveness answers UP, readiness answers OUT_OF_SERVICE and the application's requests get 503 with
 * Retry-After at once until its first context is ready; the second one loads behind it. Runs in its own
 * JVM (surefire execution {@code readiness}): it closes its interpreters, and GraalPy 25.0.3 was seen to crash when a
 * context was created in a process after another was closed.
 */
class PythonWarmUpReadinessTests {

	private static final Path FLAG = Path.of("target", "slow-start.flag");

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() throws IOException {
		if (this.context != null) {
			this.context.close();
		}
		Files.deleteIfExists(FLAG);
	}

	@Test
	void readinessAndTheApplicationRefuseTrafficUntilAContextHasImportedTheApplication() throws Exception {
		Files.deleteIfExists(FLAG);
		int port = freePort();
		CompletableFuture<ConfigurableApplicationContext> started = CompletableFuture.supplyAsync(
				() -> SpringApplication.run(PropertiesOnly.class, "--server.port=" + port,
						"--wsgi.python.app=slow_start:app", "--wsgi.python.path=src/test/python",
						"--wsgi.python.contexts=2", "--management.endpoint.health.probes.enabled=true",
						"--management.endpoints.web.exposure.include=health"));
		Http http = new Http(port);
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> http.get("/actuator/health/readiness").statusCode() == 503);
		assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		long start = System.nanoTime();
		HttpResponse<String> early = http.get("/");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(early.statusCode()).isEqualTo(503);
		assertThat(early.headers().firstValue("Retry-After")).hasValue("5");
		assertThat(early.body()).contains("slow_start:app").contains("starting");
		assertThat(started).isNotDone();

		Files.createFile(FLAG);
		this.context = started.get();
		assertThat(this.context.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		HttpResponse<String> ready = http.get("/actuator/health/readiness");
		assertThat(ready.statusCode()).isEqualTo(200);
		assertThat(http.get("/").body()).isEqualTo("warmed up");
		PythonWsgiApplication application = this.context.getBean(PythonWsgiApplication.class);
		await().atMost(Duration.ofSeconds(60)).until(() -> application.getLoadedContexts() == 2);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PropertiesOnly {

	}

}
