package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code wsgi.request.max-body-size} and the access log. No request timeout here: a loaded machine must not turn
 * these requests into 504s (the timeout has {@link WsgiRequestTimeoutTests}).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.request.max-body-size=1KB", "wsgi.access-log.enabled=true" })
class WsgiBodyLimitAndAccessLogTests extends WsgiServerTestSupport {

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
		// A path no other test requests, so that a late line of another test's request cannot be counted.
		HttpResponse<String> response = this.http.get("/access-log-probe?x=1");
		assertThat(response.body()).isEqualTo("legacy GET |/access-log-probe");
		// The line is written when the worker ends the request, which may be after the client has the response.
		Pattern line = Pattern.compile("wsgi\\.access\\s+: GET /access-log-probe 200 29B [\\d.]+ms queued=[\\d.]+ms "
				+ "mount=testWsgiApp outcome=SUCCESS");
		await().atMost(Duration.ofSeconds(30)).until(() -> line.matcher(output.getOut()).find());
		assertThat(line.matcher(output.getOut()).results().count()).isOne();
	}

}
