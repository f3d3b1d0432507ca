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
 * runs it.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.scheduler.thread-cap=1", "wsgi.scheduler.queue-capacity=5",
				"wsgi.scheduler.queue-timeout=300ms" })
class WsgiQueueTimeoutTests extends WsgiServerTestSupport {

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Test
	void requestWaitingPastTheQueueTimeoutGets503AndIsNeverRun() throws Exception {
		Http http = new Http(this.port);
		this.app.gate = new CountDownLatch(1);
		this.app.running = new CountDownLatch(1);
		CompletableFuture<HttpResponse<String>> blocking = http.client()
			.sendAsync(HttpRequest.newBuilder(http.uri("/block")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(this.app.running.await(10, TimeUnit.SECONDS)).isTrue();

		long start = System.nanoTime();
		HttpResponse<String> waited = http.get("/env");
		assertThat(waited.statusCode()).isEqualTo(503);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
		assertThat(this.scheduler.getQueueTimedOutCount()).isEqualTo(1);

		this.app.gate.countDown();
		assertThat(blocking.get(10, TimeUnit.SECONDS).body()).isEqualTo("released");
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getQueuedCount() == 0);
		assertThat(this.app.threadsOf("call")).hasSize(1);
		assertThat(http.get("/env").statusCode()).isEqualTo(200);
	}

}
