package io.github.wsgiflux.python;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/*
 * Its length is the nested Builder's, which users and the README name PythonWsgiApplication.Builder; the work is done
 * by PythonContextFactory, PythonContextPool, PythonContextWarmUp and PythonExchange.
 */
/**
 * A Python WSGI application ({@code app(environ, start_response)}, PEP 3333) run by GraalPy in this JVM, behind the
 * same {@link WsgiApplication} contract as a Java one.
 * <p>
 * It keeps a pool of interpreter contexts on one shared {@link Engine} (so the Python code is parsed and compiled
 * once): a request borrows a context, runs on the worker thread the gateway gave it, and gives the context back when
 * its body is closed. Size the pool like the worker pool: a request that finds every context busy waits for one on
 * its worker thread. Each context imports the application itself (its own module globals: {@code wsgi.multiprocess}
 * is {@code True} with more than one); {@link #warmUpAsync()} does that ahead of traffic, the first context first.
 *
 * <pre class="code">
 * PythonWsgiApplication flask = PythonWsgiApplication.builder("hello:app")
 *     .path(List.of("src/main/python", "/usr/lib/python3/dist-packages"))
 *     .contexts(4)
 *     .build();
 * </pre>
 *
 * The application is trusted code, like any library in the JVM: its contexts may read files, start threads, load
 * native modules and read the environment, as CPython would.
 * <p>
 * Used from several threads at once: each request on its worker thread, an interrupt from the thread that timed a
 * request out, the warm-up and {@link #close()} from whichever thread starts and stops the application.
 */
public final class PythonWsgiApplication implements WsgiApplication, AutoCloseable {

	private static final Duration DEFAULT_LOADING_RETRY_AFTER = Duration.ofSeconds(5);

	private final String app;

	private final PythonContextFactory factory;

	private final boolean warmUp;

	private final PythonContextPool pool;

	private final PythonContextWarmUp contextWarmUp;

	private PythonWsgiApplication(Builder builder) {
		this.app = builder.app;
		this.factory = new PythonContextFactory(builder.app, builder.path, builder.contexts > 1, builder.bytecodeCache,
				builder.options, builder.engine);
		this.warmUp = builder.warmUp;
		this.pool = new PythonContextPool(this.factory, builder.contexts);
		this.contextWarmUp = new PythonContextWarmUp(builder.app, this.pool, builder.loadingRetryAfter);
	}

	/**
	 * Start building an application.
	 * @param app the application as gunicorn takes it: {@code module:callable} ({@code module} alone means
	 * {@code module:application}); the callable may be a dotted attribute path
	 * @return the builder
	 */
	public static Builder builder(String app) {
		return new Builder(app);
	}

	@Override
	public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
		PythonExchange exchange = new PythonExchange(environ, startResponse);
		PythonInterpreter interpreter = this.pool.tryBorrow();
		if (interpreter == null) {
			Iterable<byte[]> refused = this.contextWarmUp.refuseWhileLoading(startResponse);
			if (refused != null) {
				return refused;
			}
			interpreter = this.pool.borrow();
		}
		try {
			interpreter.enter();
		}
		catch (RuntimeException | Error ex) {
			this.pool.giveBack(interpreter);
			throw ex;
		}
		try {
			Value body = interpreter.call(exchange);
			return new PythonResponse(interpreter, body);
		}
		catch (PolyglotException ex) {
			interpreter.release();
			throw PythonErrors.translate(ex);
		}
		catch (RuntimeException | Error ex) {
			interpreter.release();
			throw ex;
		}
	}

	/**
	 * Stop the Python code the worker runs with {@link Context#interrupt}: Python code does not see Java thread
	 * interrupts (and a thread interrupt delivered at the same time was seen to keep {@code time.sleep} from
	 * noticing the context's). A worker found in no context (waiting for one) gets a thread interrupt.
	 * @param worker the thread running the timed-out request
	 */
	@Override
	public void interrupt(Thread worker) {
		if (!this.pool.interruptIfRunningOn(worker)) {
			worker.interrupt();
		}
	}

	/**
	 * Load the application in every context not loaded yet ({@link #warmUpAsync()}) and wait for all of them.
	 * @throws PythonException when a context cannot import the application
	 */
	public void warmUp() {
		try {
			warmUpAsync().join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw ex;
		}
	}

	/**
	 * Start loading the application in every context not loaded yet: the first context alone, so that it is ready
	 * as soon as possible, then the others in parallel, one thread each. A context joins the pool as soon as it is
	 * loaded; until the first one is, requests get 503 (see {@link Builder#loadingRetryAfter}). Runs once: later
	 * calls return the same future.
	 * @return completes when every context is loaded, or exceptionally with the first {@link PythonException}
	 * @see #firstContextLoaded()
	 */
	public CompletableFuture<Void> warmUpAsync() {
		return this.contextWarmUp.start();
	}

	/**
	 * When the first context is ready to serve, once {@link #warmUpAsync()} has started.
	 * @return completes when a warm-up has loaded the first context, or exceptionally when it could not
	 */
	public CompletableFuture<Void> firstContextLoaded() {
		return this.contextWarmUp.firstLoaded();
	}

	/**
	 * The application, {@code module:callable}.
	 * @return the application spec
	 */
	public String getApp() {
		return this.app;
	}

	/**
	 * Whether the contexts should be loaded before the server reports ready.
	 * @return whether to warm up
	 */
	public boolean isWarmUp() {
		return this.warmUp;
	}

	/**
	 * The {@code Retry-After} of the 503 answered while no context is ready during the warm-up.
	 * @return the delay, or {@code null} when such a request waits for the first context instead
	 */
	public @Nullable Duration getLoadingRetryAfter() {
		return this.contextWarmUp.retryAfter();
	}

	/**
	 * How many interpreter contexts the pool holds.
	 * @return the pool size
	 */
	public int getContexts() {
		return this.pool.size();
	}

	/**
	 * How many contexts have the application loaded.
	 * @return the loaded contexts
	 */
	public int getLoadedContexts() {
		return this.pool.loaded();
	}

	/**
	 * How many contexts are serving a request right now.
	 * @return the busy contexts
	 */
	public int getBusyContexts() {
		return this.pool.busy();
	}

	/**
	 * The engine the contexts share.
	 * @return the engine
	 */
	public Engine getEngine() {
		return this.factory.engine();
	}

	/**
	 * Close every context and the engine, unless it was given to the builder. Contexts still running a request
	 * (past the shutdown grace period) are cancelled, all at once, and waited for at most 3 seconds in total.
	 */
	@Override
	public void close() {
		this.pool.close();
		this.factory.close();
	}

	/** For tests: run {@code hook} on the interrupting thread just before each interrupt is delivered. */
	void beforeInterrupt(@Nullable Runnable hook) {
		this.pool.beforeInterrupt(hook);
	}

	/**
	 * Builds a {@link PythonWsgiApplication}.
	 */
	public static final class Builder {

		private final String app;

		private List<String> path = List.of();

		private int contexts = Runtime.getRuntime().availableProcessors();

		private boolean warmUp = true;

		private @Nullable Path bytecodeCache;

		private final Map<String, String> options = new LinkedHashMap<>();

		private @Nullable Engine engine;

		private @Nullable Duration loadingRetryAfter = DEFAULT_LOADING_RETRY_AFTER;

		private Builder(String app) {
			Objects.requireNonNull(app, "app");
			if (app.isBlank() || app.startsWith(":")) {
				throw new IllegalArgumentException("A Python WSGI application is 'module:callable', not '" + app + "'");
			}
			this.app = app;
		}

		/**
		 * Folders put in front of {@code sys.path}: the project, a virtualenv's or Debian's site-packages.
		 * @param path the folders
		 * @return this builder
		 */
		public Builder path(List<String> path) {
			this.path = List.copyOf(path);
			return this;
		}

		/**
		 * How many interpreter contexts to keep, each running one request at a time (default: the number of
		 * processors).
		 * @param contexts at least 1
		 * @return this builder
		 */
		public Builder contexts(int contexts) {
			if (contexts < 1) {
				throw new IllegalArgumentException("Python contexts must be at least 1, not " + contexts);
			}
			this.contexts = contexts;
			return this;
		}

		/**
		 * Whether to load the application in every context before the server reports ready (default {@code true});
		 * otherwise each context loads it on its first request.
		 * @param warmUp whether to warm up
		 * @return this builder
		 */
		public Builder warmUp(boolean warmUp) {
			this.warmUp = warmUp;
			return this;
		}

		/**
		 * A folder for compiled Python modules, so that later starts import faster (off by default: nothing is
		 * written).
		 * @param bytecodeCache the folder, created if missing
		 * @return this builder
		 */
		public Builder bytecodeCache(@Nullable Path bytecodeCache) {
			this.bytecodeCache = bytecodeCache;
			return this;
		}

		/**
		 * A GraalPy context option, such as {@code python.IsolateNativeModules=true}.
		 * @param name the option name
		 * @param value the value
		 * @return this builder
		 */
		public Builder option(String name, String value) {
			this.options.put(name, value);
			return this;
		}

		/**
		 * Share an engine with other applications (it is not closed with this one).
		 * @param engine the engine
		 * @return this builder
		 */
		public Builder engine(@Nullable Engine engine) {
			this.engine = engine;
			return this;
		}

		/**
		 * The {@code Retry-After} of the 503 a request gets at once while the warm-up has not loaded any context yet
		 * (default 5 seconds); {@code null} to have it wait for the first context instead.
		 * @param loadingRetryAfter the delay, or {@code null}
		 * @return this builder
		 */
		public Builder loadingRetryAfter(@Nullable Duration loadingRetryAfter) {
			this.loadingRetryAfter = loadingRetryAfter;
			return this;
		}

		/**
		 * Create the application; no context is created yet.
		 * @return the application
		 */
		public PythonWsgiApplication build() {
			return new PythonWsgiApplication(this);
		}

	}

}
