package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * {@code wsgi.scheduler.queue-timeout}: a request that waits too long for a worker gets 503, and the application never
 * runs it. The only worker is held by a request blocked on a gate that opens only after the 503, so the 503 cannot
 * come from a worker becoming free; the timeout is long enough that a request finding a free worker never reaches
 * it on a loaded machine.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.scheduler.thread-cap=1", "wsgi.scheduler.queue-capacity=5",
				"wsgi.scheduler.queue-timeout=1s" })
class WsgiQueueTimeoutTests extends WsgiServerTestSupport {

	private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(1);

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Test
	void requestWaitingPastTheQueueTimeoutGets503AndIsNeverRun() throws Exception {
		Http http = new Http(this.port);
		long rejectedBefore = this.scheduler.getRejectedCount();
		this.app.gate = new CountDownLatch(1);
		try {
			this.app.running = new CountDownLatch(1);
			CompletableFuture<HttpResponse<String>> blocking = http.client()
				.sendAsync(HttpRequest.newBuilder(http.uri("/block")).build(), HttpResponse.BodyHandlers.ofString());
			assertThat(this.app.running.await(30, TimeUnit.SECONDS)).isTrue();

			long start = System.nanoTime();
			HttpResponse<String> waited = http.client()
				.sendAsync(HttpRequest.newBuilder(http.uri("/env")).build(), HttpResponse.BodyHandlers.ofString())
				.get(20, TimeUnit.SECONDS);
			// A lower bound only: a loaded machine makes the wait longer, never shorter.
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(waited.statusCode()).isEqualTo(503);
			assertThat(elapsed).as("waited for the queue timeout").isGreaterThanOrEqualTo(QUEUE_TIMEOUT);
			assertThat(blocking).isNotDone();
			assertThat(this.scheduler.getQueueTimedOutCount()).isOne();
			assertThat(this.scheduler.getRejectedCount()).as("not an overload rejection").isEqualTo(rejectedBefore);

			this.app.gate.countDown();
			assertThat(blocking.get(30, TimeUnit.SECONDS).body()).isEqualTo("released");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.scheduler.getQueuedCount() == 0 && this.scheduler.getActiveCount() == 0);
			assertThat(this.app.threadsOf("call")).hasSize(1);
			assertThat(http.get("/env").statusCode()).isEqualTo(200);
		}
		finally {
			// A failed assertion must not leave requests in flight for the graceful shutdown at the JVM's exit.
			this.app.gate.countDown();
		}
	}

}
