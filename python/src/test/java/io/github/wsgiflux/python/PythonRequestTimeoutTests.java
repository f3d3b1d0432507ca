package io.github.wsgiflux.python;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code wsgi.request.timeout} stops Python code that ignores Java interrupts (a busy loop): the client gets 504 and
 * the interpreter context comes back to serve the next request, twice in a row. Its own JVM (surefire execution
 * {@code python-timeout}): it owns its interpreter contexts. The timeout must outlast the first, cold run of the
 * request that follows: on a loaded 2-core machine that took more than 2 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.python.app=faulty_app:app", "wsgi.python.path=src/test/python", "wsgi.python.contexts=1",
				"wsgi.request.timeout=10s" })
@ExtendWith(NettyLeaks.class)
class PythonRequestTimeoutTests {

	@LocalServerPort
	int port;

	@Autowired
	PythonWsgiApplication application;

	@Test
	void busyLoopIsStoppedAndTheContextServesAgain() throws Exception {
		Http http = new Http(this.port);
		for (int attempt = 1; attempt <= 2; attempt++) {
			// The loop never ends by itself: any answer at all comes from the timeout, however loaded the machine.
			HttpResponse<String> response = http.client()
				.sendAsync(HttpRequest.newBuilder(http.uri("/spin")).build(), HttpResponse.BodyHandlers.ofString())
				.get(120, TimeUnit.SECONDS);
			assertThat(response.statusCode()).as("attempt %d", attempt).isEqualTo(504);
			await().atMost(Duration.ofSeconds(60)).until(() -> this.application.getBusyContexts() == 0);
			assertThat(http.get("/closed").statusCode()).as("attempt %d", attempt).isEqualTo(200);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PropertiesOnly {

	}

}
