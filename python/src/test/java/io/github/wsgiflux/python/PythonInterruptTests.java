package io.github.wsgiflux.python;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.StartResponse;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An interrupt for a timed-out request reaches only that request, whatever the order of events: here it is held
 * (a latch in the test hook) until its request has ended and the next one asks for the same context on the same
 * worker thread. The faulty application has one context.
 */
class PythonInterruptTests extends PythonServerTestSupport {

	@Autowired
	PythonWsgiApplication faultyApp;

	@Test
	void interruptArrivingAfterItsRequestEndedNeverStopsTheNextRequestInThatContext() throws Exception {
		CountDownLatch delivering = new CountDownLatch(1);
		CountDownLatch deliver = new CountDownLatch(1);
		this.faultyApp.beforeInterrupt(() -> {
			delivering.countDown();
			awaitQuietly(deliver);
		});
		ExecutorService worker = Executors.newSingleThreadExecutor();
		try {
			Thread workerThread = worker.submit(Thread::currentThread).get();
			Iterable<byte[]> timedOut = worker.submit(() -> this.faultyApp.call(environ("/closed", ""), ok())).get();
			this.faultyApp.interrupt(workerThread);
			assertThat(delivering.await(10, TimeUnit.SECONDS)).isTrue();
			worker.submit(() -> {
				((AutoCloseable) timedOut).close();
				return null;
			}).get();
			assertThat(this.faultyApp.getBusyContexts()).as("context kept until the interrupt is delivered").isOne();

			Future<String> next = worker.submit(() -> body(this.faultyApp.call(environ("/sleep", "0.5"), ok())));
			deliver.countDown();
			assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo("slept");
			assertThat(this.faultyApp.getBusyContexts()).isZero();
		}
		finally {
			this.faultyApp.beforeInterrupt(null);
			deliver.countDown();
			worker.shutdownNow();
		}
	}

	private static Map<String, Object> environ(String path, String query) {
		Map<String, Object> environ = new HashMap<>();
		environ.put(Environ.REQUEST_METHOD, "GET");
		environ.put(Environ.SCRIPT_NAME, "");
		environ.put(Environ.PATH_INFO, path);
		environ.put(Environ.QUERY_STRING, query);
		environ.put(Environ.SERVER_NAME, "localhost");
		environ.put(Environ.SERVER_PORT, "80");
		environ.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
		environ.put(Environ.WSGI_URL_SCHEME, "http");
		environ.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[0]));
		environ.put(Environ.WSGI_ERRORS, new StringWriter());
		return environ;
	}

	private static StartResponse ok() {
		return (status, headers, excInfo) -> (data) -> {
		};
	}

	private static String body(Iterable<byte[]> body) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try {
			body.forEach(bytes::writeBytes);
		}
		finally {
			((AutoCloseable) body).close();
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
