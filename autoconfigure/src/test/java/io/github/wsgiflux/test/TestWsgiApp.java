package io.github.wsgiflux.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.validate.WsgiValidator;

/**
 * A synchronous application with one behaviour per path, used by the behaviour tests. Every call records what
 * happened (threads, close calls) for the tests to assert.
 */
public class TestWsgiApp implements WsgiApplication {

	private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain; charset=utf-8"));

	/** What the application saw, in order: "call:thread", "next:thread", "close:thread", ... */
	public final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();

	public final AtomicInteger closes = new AtomicInteger();

	/** Released by tests to let {@code /block} requests finish. */
	public volatile CountDownLatch gate = new CountDownLatch(0);

	/** Met by concurrent {@code /barrier} requests and {@code /barrier-stream} iterations. */
	public volatile java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);

	/** Counted down by each {@code /block} request once it runs. */
	public volatile CountDownLatch running = new CountDownLatch(0);

	/** Paths that break PEP 3333 on purpose, to test the server's answer: served without the validator. */
	private static final Set<String> DELIBERATE_VIOLATIONS = Set.of("/no-start", "/null", "/bad-header",
			"/hop-by-hop", "/bad-status", "/start-twice", "/length-mismatch");

	/** Every other request runs through the validator, so every behaviour test also checks conformance. */
	private final WsgiValidator validator = WsgiValidator.wrap(this::dispatch);

	@Override
	public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
		if (DELIBERATE_VIOLATIONS.contains(environ.get(Environ.PATH_INFO))) {
			return dispatch(environ, startResponse);
		}
		return this.validator.call(environ, startResponse);
	}

	/**
	 * Fail if the server or the application broke PEP 3333 in any validated request, or if a body was not closed.
	 */
	public void assertConformant() {
		this.validator.assertNoViolations();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(10))
			.untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(this.validator.unclosedBodies())
				.as("bodies the server did not close")
				.isZero());
	}

	private Iterable<byte[]> dispatch(Map<String, Object> environ, StartResponse startResponse) throws Exception {
		Environ env = Environ.of(environ);
		this.events.add("call:" + Thread.currentThread().getName());
		String path = (String) environ.get(Environ.PATH_INFO);
		switch (path) {
			case "/env": {
				StringBuilder text = new StringBuilder();
				new TreeMap<>(environ).forEach((key, value) -> {
					if (value instanceof String) {
						text.append(key).append('=').append(value).append('\n');
					}
				});
				text.append("decoded.path=").append(env.pathInfo()).append('\n');
				text.append("decoded.q=").append(env.queryParameter("q")).append('\n');
				text.append("thread=").append(Thread.currentThread().getName()).append('\n');
				text.append("wsgi.version=").append(environ.get(Environ.WSGI_VERSION)).append('\n');
				text.append("wsgi.input_terminated=").append(environ.get(Environ.WSGI_INPUT_TERMINATED)).append('\n');
				startResponse.start("200 OK", TEXT);
				return List.of(text.toString().getBytes(StandardCharsets.UTF_8));
			}
			case "/echo": {
				byte[] body = env.input().readAllBytes();
				startResponse.start("200 OK", List.of(Header.of("Content-Type", "application/octet-stream"),
						Header.of("X-Content-Length", String.valueOf(environ.get(Environ.CONTENT_LENGTH)))));
				return List.of(body);
			}
			case "/lines": {
				WsgiInput input = env.input();
				StringBuilder text = new StringBuilder();
				byte[] first = input.readline();
				text.append("first=").append(new String(first, StandardCharsets.UTF_8));
				byte[] partial = input.readNBytes(3);
				text.append("read3=").append(new String(partial, StandardCharsets.UTF_8)).append('\n');
				for (byte[] line : input) {
					text.append("line=").append(new String(line, StandardCharsets.UTF_8));
				}
				text.append("eof=").append(input.readline().length).append('\n');
				startResponse.start("200 OK", TEXT);
				return List.of(text.toString().getBytes(StandardCharsets.UTF_8));
			}
			case "/stream": {
				int n = Integer.parseInt(env.queryParameter("n"));
				startResponse.start("200 OK", TEXT);
				return new Chunks(n, -1);
			}
			case "/stream-fail": {
				startResponse.start("200 OK", TEXT);
				return new Chunks(10, 3);
			}
			case "/write": {
				BodyWriter write = startResponse.start("200 OK", TEXT);
				write.write("one,".getBytes(StandardCharsets.UTF_8));
				write.write("two,".getBytes(StandardCharsets.UTF_8));
				return List.of("three".getBytes(StandardCharsets.UTF_8));
			}
			case "/empty":
				startResponse.start("204 No Content", List.of());
				return List.of();
			case "/fail-before":
				throw new IllegalStateException("secret failure detail");
			case "/no-start":
				return List.of("body".getBytes(StandardCharsets.UTF_8));
			case "/null":
				startResponse.start("200 OK", TEXT);
				return null;
			case "/bad-header":
				startResponse.start("200 OK", List.of(Header.of("X-Bad", "a\r\nInjected: yes")));
				return List.of("x".getBytes(StandardCharsets.UTF_8));
			case "/hop-by-hop":
				startResponse.start("200 OK", List.of(Header.of("Transfer-Encoding", "chunked")));
				return List.of("x".getBytes(StandardCharsets.UTF_8));
			case "/bad-status":
				startResponse.start("OK", TEXT);
				return List.of("x".getBytes(StandardCharsets.UTF_8));
			case "/start-twice":
				startResponse.start("200 OK", TEXT);
				startResponse.start("201 Created", TEXT);
				return List.of("x".getBytes(StandardCharsets.UTF_8));
			case "/exc-info": {
				startResponse.start("200 OK", TEXT);
				try {
					throw new IOException("database gone");
				}
				catch (IOException ex) {
					startResponse.start("503 Service Unavailable", TEXT, ex);
				}
				return List.of("replaced".getBytes(StandardCharsets.UTF_8));
			}
			case "/exc-info-late": {
				BodyWriter write = startResponse.start("200 OK", TEXT);
				write.write("sent,".getBytes(StandardCharsets.UTF_8));
				startResponse.start("500 Internal Server Error", TEXT, new IOException("late"));
				return List.of();
			}
			case "/length-mismatch":
				startResponse.start("200 OK", List.of(Header.of("Content-Length", "10")));
				return List.of("12345".getBytes(StandardCharsets.UTF_8));
			case "/file": {
				// Records its close: a ByteArrayInputStream's own close() does nothing a test could see.
				byte[] content = "file content here".getBytes(StandardCharsets.UTF_8);
				InputStream in = new java.io.ByteArrayInputStream(content) {

					@Override
					public void close() {
						TestWsgiApp.this.events.add("file-closed:" + Thread.currentThread().getName());
					}

				};
				startResponse.start("200 OK", TEXT);
				return ((io.github.wsgiflux.spi.FileWrapper) environ.get(Environ.WSGI_FILE_WRAPPER)).wrap(in, 4);
			}
			case "/errors": {
				java.io.Writer errors = env.errors();
				errors.write("first line\nsecond ");
				errors.write("line\n");
				startResponse.start("200 OK", TEXT);
				return List.of("logged".getBytes(StandardCharsets.UTF_8));
			}
			case "/sleep": {
				try {
					Thread.sleep(Long.parseLong(env.queryParameter("ms")));
				}
				catch (InterruptedException ex) {
					this.events.add("interrupted:" + Thread.currentThread().getName());
					throw ex;
				}
				startResponse.start("200 OK", TEXT);
				return List.of("slept".getBytes(StandardCharsets.UTF_8));
			}
			case "/stream-hang": {
				BodyWriter write = startResponse.start("200 OK", TEXT);
				write.write("first chunk;".getBytes(StandardCharsets.UTF_8));
				try {
					Thread.sleep(30_000);
				}
				catch (InterruptedException ex) {
					this.events.add("interrupted:" + Thread.currentThread().getName());
					throw ex;
				}
				return List.of();
			}
			case "/barrier": {
				this.barrier.await(10, TimeUnit.SECONDS);
				startResponse.start("200 OK", TEXT);
				return List.of("met".getBytes(StandardCharsets.UTF_8));
			}
			case "/barrier-stream": {
				startResponse.start("200 OK", TEXT);
				java.util.concurrent.CyclicBarrier meet = this.barrier;
				return () -> new Iterator<>() {

					private int i;

					@Override
					public boolean hasNext() {
						return this.i < 3;
					}

					@Override
					public byte[] next() {
						try {
							// Both responses must be iterating at once to get past this.
							meet.await(10, TimeUnit.SECONDS);
						}
						catch (Exception ex) {
							throw new IllegalStateException(ex);
						}
						return ("step" + this.i++ + ";").getBytes(StandardCharsets.UTF_8);
					}
				};
			}
			case "/no-headers":
				startResponse.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return List.of("plain".getBytes(StandardCharsets.UTF_8));
			case "/block": {
				this.running.countDown();
				if (!this.gate.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("gate never opened");
				}
				startResponse.start("200 OK", TEXT);
				return List.of("released".getBytes(StandardCharsets.UTF_8));
			}
			default: {
				String text = "legacy " + environ.get(Environ.REQUEST_METHOD) + " " + environ.get(Environ.SCRIPT_NAME)
						+ "|" + environ.get(Environ.PATH_INFO);
				startResponse.start("200 OK", TEXT);
				return List.of(text.getBytes(StandardCharsets.ISO_8859_1));
			}
		}
	}

	/**
	 * A lazily produced, closeable body of {@code n} chunks that fails at chunk {@code failAt} (or never).
	 */
	private final class Chunks implements Iterable<byte[]>, AutoCloseable {

		private final int n;

		private final int failAt;

		Chunks(int n, int failAt) {
			this.n = n;
			this.failAt = failAt;
		}

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private int i;

				@Override
				public boolean hasNext() {
					return this.i < Chunks.this.n;
				}

				@Override
				public byte[] next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					if (this.i == Chunks.this.failAt) {
						throw new IllegalStateException("failed in the middle of the body");
					}
					TestWsgiApp.this.events.add("next:" + Thread.currentThread().getName());
					return ("chunk" + this.i++ + ";").getBytes(StandardCharsets.UTF_8);
				}
			};
		}

		@Override
		public void close() {
			TestWsgiApp.this.events.add("close:" + Thread.currentThread().getName());
			TestWsgiApp.this.closes.incrementAndGet();
		}

	}

	/** Read a whole stream; a helper for tests. */
	public static byte[] readAll(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		in.transferTo(out);
		return out.toByteArray();
	}

	/** The thread names recorded for one kind of event. */
	public List<String> threadsOf(String kind) {
		List<String> threads = new ArrayList<>();
		for (String event : this.events) {
			if (event.startsWith(kind + ":")) {
				threads.add(event.substring(kind.length() + 1));
			}
		}
		return threads;
	}

}
