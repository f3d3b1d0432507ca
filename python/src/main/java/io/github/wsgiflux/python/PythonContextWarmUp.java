package io.github.wsgiflux.python;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Loads the application in the pool's contexts ahead of traffic, each on a thread of its own, and answers 503 while
 * it has not loaded any yet. Started once, by whichever thread asks first (the warm-up lifecycle, a user); its
 * futures complete on the loading threads, and workers ask it for the 503 concurrently.
 */
final class PythonContextWarmUp {

	/** Under the public class's name, where users set the level of the application's messages. */
	private static final Log logger = LogFactory.getLog(PythonWsgiApplication.class);

	private static final long STACK_SIZE = 64L * 1024 * 1024;

	private final String app;

	private final PythonContextPool pool;

	private final @Nullable Duration retryAfter;

	/** Completes when a warm-up has loaded the first context. */
	private final CompletableFuture<Void> firstLoaded = new CompletableFuture<>();

	/** The warm-up, once started: it runs once, whoever asks for it. */
	private @Nullable CompletableFuture<Void> warmingUp;

	/** Whether a warm-up is loading the contexts and none is ready yet. */
	private volatile boolean loading;

	/**
	 * Prepare the warm-up of a pool's contexts.
	 * @param app the application, {@code module:callable}, for messages
	 * @param pool the contexts
	 * @param retryAfter the {@code Retry-After} of the 503 while loading, or {@code null} to have requests wait
	 */
	PythonContextWarmUp(String app, PythonContextPool pool, @Nullable Duration retryAfter) {
		this.app = app;
		this.pool = pool;
		this.retryAfter = retryAfter;
	}

	@Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Start loading every context not loaded yet: the first one alone, so that it is ready as soon as possible,
	 * then the others in parallel. A context joins the pool as soon as it is loaded.
	 * @return completes when every context is loaded, or exceptionally with the first failure
	 */
	synchronized CompletableFuture<Void> start() {
		if (this.warmingUp != null) {
			return this.warmingUp;
		}
		long start = System.nanoTime();
		// Before the contexts leave the pool, so that no request waits in between.
		this.loading = this.pool.loaded() == 0;
		List<PythonInterpreter> toLoad = this.pool.takeForWarmUp();
		if (toLoad.isEmpty()) {
			this.loading = false;
			this.firstLoaded.complete(null);
			this.warmingUp = CompletableFuture.completedFuture(null);
			return this.warmingUp;
		}
		CompletableFuture<Void> first = load(toLoad.get(0));
		first.whenComplete((done, ex) -> {
			this.loading = false;
			if (ex != null) {
				this.firstLoaded.completeExceptionally(ex);
			}
			else {
				this.firstLoaded.complete(null);
			}
		});
		CompletableFuture<Void> all = first.thenCompose((done) -> CompletableFuture
			.allOf(toLoad.stream().skip(1).map(this::load).toArray(CompletableFuture[]::new)));
		this.warmingUp = all.whenComplete((done, ex) -> {
			if (ex != null && !this.firstLoaded.isCompletedExceptionally()) {
				logger.error("Python WSGI application '" + this.app + "' serves with fewer contexts: "
						+ ex.getMessage());
			}
			else if (ex == null && logger.isInfoEnabled()) {
				logger.info("Python WSGI application '" + this.app + "' loaded in " + this.pool.size()
						+ " context(s) in " + (System.nanoTime() - start) / 1_000_000 + " ms");
			}
		});
		return this.warmingUp;
	}

	/**
	 * When the first context is ready, once {@link #start()} was called.
	 * @return completes when the first context is loaded, or exceptionally when it could not be
	 */
	CompletableFuture<Void> firstLoaded() {
		return this.firstLoaded;
	}

	/**
	 * Answer a request that found no idle context with 503, if the warm-up has not loaded any yet and a
	 * {@code Retry-After} was given.
	 * @param startResponse the request's {@code start_response}
	 * @return the 503's body, or {@code null} when the request should wait for a context
	 * @throws Exception when {@code start_response} refuses the answer
	 */
	@Nullable Iterable<byte[]> refuseWhileLoading(StartResponse startResponse) throws Exception {
		Duration retryAfter = this.retryAfter;
		if (!this.loading || retryAfter == null) {
			return null;
		}
		startResponse.start("503 Service Unavailable",
				List.of(Header.of("Content-Type", "text/plain; charset=utf-8"),
						Header.of("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())))),
				null);
		return List.of(("Python application '" + this.app + "' is starting: no interpreter context is ready yet\n")
			.getBytes(StandardCharsets.UTF_8));
	}

	private CompletableFuture<Void> load(PythonInterpreter interpreter) {
		CompletableFuture<Void> load = new CompletableFuture<>();
		// Imports nest deeply and run interpreted at first: a default 1 MiB stack ends in RecursionError.
		Thread thread = new Thread(null, () -> {
			try {
				interpreter.load();
				load.complete(null);
			}
			catch (Throwable ex) {
				load.completeExceptionally(ex);
			}
			finally {
				this.pool.returnFromWarmUp(interpreter);
			}
		}, "wsgi-python-warm-up-" + interpreter.index(), STACK_SIZE);
		thread.setDaemon(true);
		thread.start();
		return load;
	}

}
