package io.github.wsgiflux.server;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code wsgi.request.timeout}, {@code wsgi.request.max-body-size} and the access log.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.request.timeout=500ms", "wsgi.request.max-body-size=1KB", "wsgi.access-log.enabled=true",
				"wsgi.scheduler.thread-cap=2" })
class WsgiTimeoutAndLimitTests extends WsgiServerTestSupport {

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Test
	void appRunningPastTheTimeoutGets504AndItsWorkerIsInterruptedAndFreed(CapturedOutput output) {
		long start = System.nanoTime();
		HttpResponse<String> response = this.http.get("/sleep?ms=20000");
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.app.threadsOf("interrupted").isEmpty());
		assertThat(output).contains("WSGI request GET /sleep (mount 'testWsgiApp')")
			.contains("ran longer than wsgi.request.timeout (PT0.5S): answering 504 and interrupting its worker");
		assertThat(this.scheduler.getTimedOutCount()).isPositive();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 0);
		// Both workers serve again, and neither carries the interrupt into the next request.
		for (int i = 0; i < 4; i++) {
			assertThat(this.http.get("/sleep?ms=20").body()).isEqualTo("slept");
		}
	}

	@Test
	void streamingAppRunningPastTheTimeoutHasItsConnectionAborted() {
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.http.get("/stream-hang"));
		await().atMost(Duration.ofSeconds(5)).until(() -> !this.app.threadsOf("interrupted").isEmpty());
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void declaredBodyOverTheLimitGets413BeforeTheAppRuns() {
		HttpResponse<String> response = this.http.post("/echo", "text/plain", "x".repeat(2048));
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(this.app.threadsOf("call")).isEmpty();
		assertThat(this.http.post("/echo", "text/plain", "x".repeat(1024)).body()).hasSize(1024);
	}

	@Test
	void chunkedBodyGrowingPastTheLimitFailsTheReadAndGets413() {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.http.uri("/echo"))
			.POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString("y".repeat(4096))))
			.build());
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(this.app.threadsOf("call")).hasSize(1);
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void accessLogHasOneLinePerRequest(CapturedOutput output) {
		this.http.get("/env?x=1");
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("GET /env 200 "));
		assertThat(output.getOut()).containsPattern("wsgi\\.access\\s+: GET /env 200 \\d+B [\\d.]+ms queued=[\\d.]+ms "
				+ "mount=testWsgiApp outcome=SUCCESS");
	}

}
