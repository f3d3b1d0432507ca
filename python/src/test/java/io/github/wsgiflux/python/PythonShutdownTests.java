package io.github.wsgiflux.python;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.test.Http;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the application (what the JVM's shutdown hook does on SIGTERM) ends soon after the graceful-shutdown
 * period even while Python requests are stuck, one in a busy loop and one in {@code time.sleep}: their contexts are
 * cancelled once the grace period is over, and waited for 3 seconds at most. Its own JVM (surefire execution {@code python-shutdown}): it closes its
 * interpreter contexts.
 */
class PythonShutdownTests {

	private static final Duration GRACE_PERIOD = Duration.ofSeconds(2);

	@Test
	void closeEndsWithinTheGracePeriodWhilePythonRequestsAreStuck() throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(PropertiesOnly.class, "--server.port=0",
				"--wsgi.python.app=faulty_app:app", "--wsgi.python.path=src/test/python", "--wsgi.python.contexts=2",
				"--server.shutdown=graceful",
				"--spring.lifecycle.timeout-per-shutdown-phase=" + GRACE_PERIOD.toSeconds() + "s");
		Http http = new Http(context.getEnvironment().getRequiredProperty("local.server.port", Integer.class));
		PythonWsgiApplication application = context.getBean(PythonWsgiApplication.class);
		for (String path : new String[] { "/spin", "/sleep?600" }) {
			http.client().sendAsync(HttpRequest.newBuilder(http.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> application.getBusyContexts() == 2);

		long start = System.nanoTime();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
		closed.get(GRACE_PERIOD.toSeconds() + 30, TimeUnit.SECONDS);
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		// The web server waits out the grace period, then the cancelled contexts 3 s at most; the rest is margin for
		// a loaded machine. Context.close(true) alone waits for as long as the sleep ignores the cancellation.
		assertThat(took).isLessThan(GRACE_PERIOD.plusSeconds(12));
		// The busy loop is cancelled and gives its context back. The sleep ignores the cancellation in this JVM (as
		// Context.interrupt, with the BlockHound agent: see the README), and the close did not wait for it.
		await().atMost(Duration.ofSeconds(20)).until(() -> application.getBusyContexts() <= 1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PropertiesOnly {

	}

}
