package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full scheduler answers 503 with Retry-After at once, and the server recovers when the load goes away.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.scheduler.thread-cap=2", "wsgi.scheduler.queue-capacity=2",
				"wsgi.scheduler.retry-after=3s" })
class WsgiOverloadTests extends WsgiServerTestSupport {

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Test
	void fullSchedulerAnswers503WithRetryAfterAndRecovers() throws Exception {
		Http http = new Http(this.port);
		long rejectedBefore = this.scheduler.getRejectedCount();
		this.app.gate = new CountDownLatch(1);
		try {
			this.app.running = new CountDownLatch(2);
			List<CompletableFuture<HttpResponse<String>>> admitted = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				admitted.add(http.client()
					.sendAsync(HttpRequest.newBuilder(http.uri("/block")).build(),
							HttpResponse.BodyHandlers.ofString()));
			}
			assertThat(this.app.running.await(30, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(30)).until(() -> this.scheduler.getQueuedCount() == 2);
			assertThat(this.scheduler.getActiveCount()).isEqualTo(2);

			// Every worker stays blocked until the gate opens: a 503 arriving before then did not wait for a worker.
			HttpResponse<String> rejected = http.client()
				.sendAsync(HttpRequest.newBuilder(http.uri("/env")).build(), HttpResponse.BodyHandlers.ofString())
				.get(20, TimeUnit.SECONDS);
			assertThat(rejected.statusCode()).isEqualTo(503);
			assertThat(rejected.headers().firstValue("Retry-After")).hasValue("3");
			assertThat(admitted).noneMatch(CompletableFuture::isDone);
			assertThat(this.scheduler.getQueuedCount()).isEqualTo(2);
			assertThat(this.scheduler.getRejectedCount()).isEqualTo(rejectedBefore + 1);
			assertThat(this.app.threadsOf("call")).hasSize(2);

			this.app.gate.countDown();
			for (CompletableFuture<HttpResponse<String>> response : admitted) {
				assertThat(response.get(30, TimeUnit.SECONDS).body()).isEqualTo("released");
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> this.scheduler.getActiveCount() == 0);
			assertThat(this.scheduler.getQueuedCount()).isZero();
			assertThat(http.get("/env").statusCode()).isEqualTo(200);
		}
		finally {
			// A failed assertion must not leave requests in flight for the graceful shutdown at the JVM's exit.
			this.app.gate.countDown();
		}
	}

}
