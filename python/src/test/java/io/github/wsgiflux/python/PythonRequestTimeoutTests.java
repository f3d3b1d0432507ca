package io.github.wsgiflux.python;

import java.net.http.HttpResponse;
import java.time.Duration;

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
 * {@code python-timeout}): it owns its interpreter contexts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.python.app=faulty_app:app", "wsgi.python.path=src/test/python", "wsgi.python.contexts=1",
				"wsgi.request.timeout=2s" })
@ExtendWith(NettyLeaks.class)
class PythonRequestTimeoutTests {

	@LocalServerPort
	int port;

	@Autowired
	PythonWsgiApplication application;

	@Test
	void busyLoopIsStoppedAndTheContextServesAgain() {
		Http http = new Http(this.port);
		for (String path : new String[] { "/faulty/spin", "/faulty/spin" }) {
			long start = System.nanoTime();
			HttpResponse<String> response = http.get(path.replace("/faulty", ""));
			assertThat(response.statusCode()).as(path).isEqualTo(504);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as(path).isLessThan(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10)).until(() -> this.application.getBusyContexts() == 0);
			assertThat(http.get("/closed").statusCode()).as(path).isEqualTo(200);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class PropertiesOnly {

	}

}
