package io.github.wsgiflux.server;

import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

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
 * {@code wsgi.request.timeout}: an application that hangs gets 504 (or its connection aborted once the response
 * started) and its worker interrupted. The applications here would hang for minutes, so any answer at all comes from
 * the timeout, however slow the machine; the timeout is long enough that the requests that must succeed (a barrier
 * between two workers) never reach it on a loaded machine (a cold Python request beside stress-ng took over 2 s).
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.request.timeout=5s", "wsgi.scheduler.thread-cap=2" })
class WsgiRequestTimeoutTests extends WsgiServerTestSupport {

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Test
	void appRunningPastTheTimeoutGets504AndItsWorkerIsInterruptedAndFreed(CapturedOutput output) throws Exception {
		long timedOutBefore = this.scheduler.getTimedOutCount();
		HttpResponse<String> response = this.http.client()
			.sendAsync(HttpRequest.newBuilder(this.http.uri("/sleep?ms=600000")).build(),
					HttpResponse.BodyHandlers.ofString())
			.get(60, TimeUnit.SECONDS);
		assertThat(response.statusCode()).isEqualTo(504);
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.app.threadsOf("interrupted").isEmpty());
		String interrupted = this.app.threadsOf("interrupted").get(0);
		assertThat(output).contains("WSGI request GET /sleep (mount 'testWsgiApp')")
			.contains("ran longer than wsgi.request.timeout (PT5S): answering 504 and interrupting its worker");
		assertThat(this.scheduler.getTimedOutCount()).isEqualTo(timedOutBefore + 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.scheduler.getActiveCount() == 0);
		// Two requests that wait for each other run on both workers at once, the interrupted one included; a worker
		// still carrying the interrupt would fail its barrier.
		this.app.events.clear();
		this.app.barrier = new CyclicBarrier(2);
		List<CompletableFuture<HttpResponse<String>>> both = List.of(barrier(), barrier());
		for (CompletableFuture<HttpResponse<String>> met : both) {
			assertThat(met.get(60, TimeUnit.SECONDS).body()).isEqualTo("met");
		}
		assertThat(this.app.threadsOf("call")).hasSize(2).contains(interrupted);
	}

	@Test
	void streamingAppRunningPastTheTimeoutHasItsConnectionAborted() {
		// The application sends a first chunk, then sleeps for 30 s: a complete response would mean no abort.
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> this.http.get("/stream-hang"));
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.app.threadsOf("interrupted").isEmpty());
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	private CompletableFuture<HttpResponse<String>> barrier() {
		return this.http.client()
			.sendAsync(HttpRequest.newBuilder(this.http.uri("/barrier")).build(), HttpResponse.BodyHandlers.ofString());
	}

}
