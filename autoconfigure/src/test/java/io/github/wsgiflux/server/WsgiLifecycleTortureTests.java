package io.github.wsgiflux.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import io.github.wsgiflux.autoconfigure.WsgiAutoConfiguration;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tens of thousands of requests over raw sockets, mixing every way a request can end: whole and streamed responses,
 * uploads, requests that outlive {@code wsgi.request.timeout} (504, worker interrupted), requests that wait past
 * {@code wsgi.scheduler.queue-timeout} or find the scheduler full (503), heads the gateway refuses (500), Django-style
 * cookies, and clients that go away before their headers are complete, in the middle of an upload or of a download
 * (closing or resetting the connection). Then the invariants of the lifecycle: every request that reached the gateway
 * has exactly one recorded outcome; every body the application returned was closed exactly once; nothing is active or
 * queued; no timer task is left scheduled; no worker has its interrupt flag set or keeps running; no buffer leaked
 * (Netty's paranoid detection); and the heap after a full GC is back within 10% of where it started.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.scheduler.thread-cap=8", "wsgi.scheduler.queue-capacity=16",
				"wsgi.scheduler.queue-timeout=150ms", "wsgi.request.timeout=300ms" })
@ExtendWith(NettyLeaks.class)
class WsgiLifecycleTortureTests {

	static final int REQUESTS = 18_000;

	static final int WARM_UP = 2_000;

	static final int CLIENTS = 32;

	/**
	 * What a request the application answers may get: its answer, or 503 (scheduler full, or waited past the queue
	 * timeout), or 504 (a loaded machine can hold even a short request past the 300 ms timeout).
	 */
	static final Set<String> ANSWERED = Set.of("200", "503", "504");

	/** Per request id: how often the gateway saw it, recorded an outcome, called the app, got a body, closed it. */
	static final AtomicIntegerArray entered = new AtomicIntegerArray(REQUESTS + WARM_UP);

	static final AtomicIntegerArray recorded = new AtomicIntegerArray(REQUESTS + WARM_UP);

	static final AtomicIntegerArray called = new AtomicIntegerArray(REQUESTS + WARM_UP);

	static final AtomicIntegerArray bodies = new AtomicIntegerArray(REQUESTS + WARM_UP);

	static final AtomicIntegerArray closed = new AtomicIntegerArray(REQUESTS + WARM_UP);

	/** The last outcome recorded, by request id, to name it when an invariant breaks (no allocation per request). */
	static final AtomicReferenceArray<WsgiRequestRecord.Outcome> outcomes = new AtomicReferenceArray<>(
			REQUESTS + WARM_UP);

	static final AtomicIntegerArray statusCodes = new AtomicIntegerArray(REQUESTS + WARM_UP);

	static final ScheduledThreadPoolExecutor timerExecutor = new ScheduledThreadPoolExecutor(1, (task) -> {
		Thread thread = new Thread(task, "torture-timer");
		thread.setDaemon(true);
		return thread;
	});

	static {
		// A cancelled timeout leaves the queue at once: the queue holds exactly what is still scheduled.
		timerExecutor.setRemoveOnCancelPolicy(true);
	}

	@LocalServerPort
	int port;

	@Autowired
	BoundedWsgiScheduler scheduler;

	private final Map<String, LongAdder> statuses = new ConcurrentHashMap<>();

	@Test
	void everyRequestEndsOnceWhateverHappensToIt() throws Exception {
		run(0, WARM_UP);
		awaitQuiet(WARM_UP);
		long heapBefore = heapAfterGc();
		long started = System.nanoTime();
		run(WARM_UP, WARM_UP + REQUESTS);
		awaitQuiet(WARM_UP + REQUESTS);
		Duration took = Duration.ofNanos(System.nanoTime() - started);

		int reached = 0;
		List<String> broken = new ArrayList<>();
		for (int id = 0; id < WARM_UP + REQUESTS; id++) {
			int entries = entered.get(id);
			reached += entries;
			if (recorded.get(id) != entries || called.get(id) > entries || closed.get(id) != bodies.get(id)) {
				broken.add("request " + id + ": entered " + entries + ", outcomes " + recorded.get(id) + " (last "
						+ statusCodes.get(id) + " " + outcomes.get(id) + "), calls " + called.get(id) + ", bodies "
						+ bodies.get(id) + ", closed " + closed.get(id));
			}
		}
		assertThat(broken).as("requests whose lifecycle did not end exactly once").isEmpty();
		assertThat(this.scheduler.getActiveCount()).isZero();
		assertThat(this.scheduler.getQueuedCount()).isZero();
		assertThat(timerExecutor.getQueue()).as("timer tasks still scheduled").isEmpty();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(workers())
			.allSatisfy((thread) -> assertThat(thread.getState()).as(thread.getName()).isNotEqualTo(Thread.State.RUNNABLE))
			.noneMatch(Thread::isInterrupted));
		long heapAfter = heapAfterGc();
		System.out.printf("Torture: %d requests (%d reached the gateway) in %s; statuses %s; timeouts %d, queue "
				+ "timeouts %d, rejected %d; heap after GC %d KiB -> %d KiB%n", REQUESTS + WARM_UP, reached, took,
				new TreeMap<>(this.statuses), this.scheduler.getTimedOutCount(),
				this.scheduler.getQueueTimedOutCount(), this.scheduler.getRejectedCount(), heapBefore / 1024,
				heapAfter / 1024);
		// Every way of ending was exercised.
		assertThat(this.statuses).containsKeys("200", "500", "503", "504", "gone");
		assertThat(this.scheduler.getTimedOutCount()).isPositive();
		assertThat(this.scheduler.getQueueTimedOutCount()).as("queue timeouts").isPositive();
		assertThat(this.scheduler.getRejectedCount()).as("rejections").isPositive();
		assertThat((double) heapAfter).as("heap after a full GC, started at %d", heapBefore)
			.isLessThanOrEqualTo(heapBefore * 1.10);
	}

	private void run(int from, int to) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			AtomicInteger next = new AtomicInteger(from);
			List<Future<?>> futures = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				SplittableRandom random = new SplittableRandom(c * 7919L + from);
				futures.add(clients.submit(() -> {
					int id;
					while ((id = next.getAndIncrement()) < to) {
						exchange(id, random);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			clients.shutdownNow();
		}
	}

	private void exchange(int id, SplittableRandom random) throws IOException {
		int dice = random.nextInt(100);
		String get = " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
		if (dice < 30) {
			complete("GET /whole/" + id + get, null, ANSWERED);
		}
		else if (dice < 45) {
			complete("GET /stream/" + id + get, null, ANSWERED);
		}
		else if (dice < 55) {
			byte[] body = new byte[1 + random.nextInt(64 * 1024)];
			complete("POST /upload/" + id + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: "
					+ body.length + "\r\n\r\n", body, Set.of("200", "503", "504", "reset"));
		}
		else if (dice < 58) {
			complete("GET /slow/" + id + get, null, Set.of("504", "503"));
		}
		else if (dice < 63) {
			complete("GET /bad-header/" + id + get, null, Set.of("500", "503", "504"));
		}
		else if (dice < 68) {
			complete("GET /cookie/" + id + get, null, ANSWERED);
		}
		else if (dice < 76) {
			// Gone before the headers are complete: the gateway never sees it.
			String request = "GET /whole/" + id + get;
			goAway(request.substring(0, 1 + random.nextInt(request.length() - 2)).getBytes(StandardCharsets.US_ASCII),
					0, random.nextBoolean());
		}
		else if (dice < 86) {
			byte[] head = ("POST /upload/" + id + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1048576\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			byte[] request = new byte[head.length + random.nextInt(256 * 1024)];
			System.arraycopy(head, 0, request, 0, head.length);
			goAway(request, 0, random.nextBoolean());
		}
		else {
			goAway(("GET /big/" + id + get).getBytes(StandardCharsets.US_ASCII), 1 + random.nextInt(512 * 1024),
					random.nextBoolean());
		}
	}

	/** Send a whole request and read the whole response. */
	private void complete(String head, byte[] body, Set<String> expected) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(20_000);
			OutputStream out = socket.getOutputStream();
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			if (body != null) {
				try {
					out.write(body);
				}
				catch (SocketException ex) {
					// Answered 503 and closed before the whole body was sent: read what came back.
				}
			}
			out.flush();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			String status;
			try {
				socket.getInputStream().transferTo(response);
				String text = response.toString(StandardCharsets.ISO_8859_1);
				status = (text.length() >= 12) ? text.substring(9, 12) : "none";
			}
			catch (SocketException ex) {
				// An upload answered 503 before its body was read: the server closes with unread bytes in flight,
				// and TCP may reset the connection before the client reads the answer.
				status = "reset";
			}
			assertThat(status).as("status of %s", head.lines().findFirst().orElse(head)).isIn(expected);
			count(status);
		}
	}

	/** Send (part of) a request, read up to {@code readBytes} of the answer, then close or reset the connection. */
	private void goAway(byte[] request, int readBytes, boolean reset) throws IOException {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(20_000);
			if (reset) {
				socket.setSoLinger(true, 0);
			}
			try {
				socket.getOutputStream().write(request);
				socket.getOutputStream().flush();
				InputStream in = socket.getInputStream();
				byte[] buffer = new byte[8192];
				int read = 0;
				while (read < readBytes) {
					int n = in.read(buffer, 0, Math.min(buffer.length, readBytes - read));
					if (n < 0) {
						break;
					}
					read += n;
				}
			}
			catch (SocketException | SocketTimeoutException ex) {
				// The server may answer (503) and close first: the client goes away all the same.
			}
		}
		count("gone");
	}

	private void count(String status) {
		this.statuses.computeIfAbsent(status, (key) -> new LongAdder()).increment();
	}

	private void awaitQuiet(int requests) {
		// The server may still be reading request heads of connections whose clients are long gone: quiet means
		// nothing changed for a second.
		await().atMost(Duration.ofSeconds(30))
			.during(Duration.ofSeconds(1))
			.pollInterval(Duration.ofMillis(50))
			.untilAsserted(() -> {
			assertThat(this.scheduler.getActiveCount()).as("active").isZero();
			assertThat(this.scheduler.getQueuedCount()).as("queued").isZero();
			int entries = 0;
			int records = 0;
			for (int id = 0; id < requests; id++) {
				entries += entered.get(id);
				records += recorded.get(id);
			}
			assertThat(records).as("outcomes recorded").isEqualTo(entries);
		});
	}

	private static List<Thread> workers() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("wsgi-") && !thread.getName().startsWith("wsgi-timeout"))
			.toList();
	}

	private static long heapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(100);
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static int id(String path) {
		int slash = path.lastIndexOf('/');
		return Integer.parseInt(path, slash + 1, path.length(), 10);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TortureApplication {

		@Bean(name = WsgiAutoConfiguration.TIMER_BEAN_NAME, destroyMethod = "dispose")
		Scheduler wsgiTimer() {
			return Schedulers.fromExecutorService(timerExecutor, "torture-timer");
		}

		@Bean
		WsgiRequestObserver lifecycle() {
			return new WsgiRequestObserver() {

				@Override
				public void requestStarted(String mount, String method, String path) {
					entered.incrementAndGet(id(path));
				}

				@Override
				public void requestEnded(WsgiRequestRecord record) {
					int id = id(record.path());
					outcomes.set(id, record.outcome());
					statusCodes.set(id, record.status());
					recorded.incrementAndGet(id);
				}

			};
		}

		@Bean
		WsgiApplication tortured() {
			List<Header> text = List.of(Header.of("Content-Type", "text/plain"));
			byte[] kilobyte = new byte[1024];
			byte[] chunk = new byte[16 * 1024];
			return (environ, start) -> {
				String path = Environ.of(environ).pathInfo();
				int id = id(path);
				called.incrementAndGet(id);
				String kind = path.substring(1, path.indexOf('/', 1));
				switch (kind) {
					case "whole" -> {
						start.start("200 OK", text);
						return body(id, new Whole(id, "whole".getBytes(StandardCharsets.US_ASCII)));
					}
					case "stream" -> {
						start.start("200 OK", text);
						return body(id, new Streamed(id, kilobyte, 64));
					}
					case "big" -> {
						start.start("200 OK", text);
						return body(id, new Streamed(id, chunk, 64));
					}
					case "upload" -> {
						byte[] buffer = new byte[8192];
						long total = 0;
						int n;
						InputStream input = Environ.of(environ).input();
						while ((n = input.read(buffer)) > 0) {
							total += n;
						}
						start.start("200 OK", text);
						return body(id, new Whole(id, Long.toString(total).getBytes(StandardCharsets.US_ASCII)));
					}
					case "slow" -> {
						Thread.sleep(5_000);
						start.start("200 OK", text);
						return List.of();
					}
					case "bad-header" -> {
						// Refused when started: never reaches the HTTP layer.
						start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("X-Bad", "a\u0001b")));
						return List.of();
					}
					case "cookie" -> {
						start.start("200 OK",
								List.of(Header.of("Content-Type", "text/plain"), Header.of("Set-Cookie", " a=b; Path=/")));
						return body(id, new Streamed(id, kilobyte, 2));
					}
					default -> throw new IllegalStateException(path);
				}
			};
		}

		private static Iterable<byte[]> body(int id, Iterable<byte[]> body) {
			bodies.incrementAndGet(id);
			return body;
		}

	}

	/** A one-chunk collection: sent whole with a Content-Length. */
	static final class Whole extends AbstractList<byte[]> implements AutoCloseable {

		private final int id;

		private final byte[] bytes;

		Whole(int id, byte[] bytes) {
			this.id = id;
			this.bytes = bytes;
		}

		@Override
		public byte[] get(int index) {
			return this.bytes;
		}

		@Override
		public int size() {
			return 1;
		}

		@Override
		public void close() {
			closed.incrementAndGet(this.id);
		}

	}

	/** Chunks produced one by one: streamed with backpressure. */
	static final class Streamed implements Iterable<byte[]>, AutoCloseable {

		private final int id;

		private final byte[] chunk;

		private final int count;

		Streamed(int id, byte[] chunk, int count) {
			this.id = id;
			this.chunk = chunk;
			this.count = count;
		}

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private int sent;

				@Override
				public boolean hasNext() {
					return this.sent < Streamed.this.count;
				}

				@Override
				public byte[] next() {
					this.sent++;
					return Streamed.this.chunk;
				}
			};
		}

		@Override
		public void close() {
			closed.incrementAndGet(this.id);
		}

	}

}
