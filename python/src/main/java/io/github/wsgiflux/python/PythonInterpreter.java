package io.github.wsgiflux.python;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * One GraalPy context with the bridge and the application loaded, used by one worker thread at a time: borrowed
 * for a request, entered on that thread, left and given back when the body is closed. One context per worker
 * rather than several threads in one context, because threads in one context take turns on its global interpreter
 * lock.
 */
final class PythonInterpreter {

	private static final Log logger = LogFactory.getLog(PythonInterpreter.class);

	private static final double CLOSE_TIMEOUT_SECONDS = 5.0;

	private static final Duration INTERRUPT_TIMEOUT = Duration.ofSeconds(5);

	private final PythonContextFactory factory;

	private final PythonContextPool pool;

	private final int index;

	private @Nullable Context context;

	private @Nullable Value call;

	private @Nullable Value app;

	private @Nullable Value beforeClose;

	/** Guards {@link #worker}, {@link #interrupting} and {@link #releasedWhileInterrupting}; never held while waiting. */
	private final Object lock = new Object();

	/** The thread running a request in this context, or {@code null}. */
	private @Nullable Thread worker;

	/**
	 * Whether an interrupt is being delivered. Until it is, the context is not given back to the pool even if its
	 * request ended meanwhile: a check that the request still runs followed by {@link Context#interrupt} could
	 * otherwise stop the next request, started between the two.
	 */
	private boolean interrupting;

	/** Whether the request ended while {@link #interrupting}: the interrupt then gives the context back. */
	private boolean releasedWhileInterrupting;

	/** Runs before an interrupt is delivered; for tests of the order of events. */
	private volatile @Nullable Runnable beforeInterrupt;

	PythonInterpreter(PythonContextFactory factory, PythonContextPool pool, int index) {
		this.factory = factory;
		this.pool = pool;
		this.index = index;
	}

	int index() {
		return this.index;
	}

	boolean isLoaded() {
		return this.app != null;
	}

	/**
	 * Create the context and import the application, unless done already.
	 * @throws PythonException when the application cannot be imported
	 */
	synchronized void load() {
		if (this.app != null) {
			return;
		}
		long start = System.nanoTime();
		Context context = this.factory.newContext();
		long created = System.nanoTime();
		try {
			Value bridge = this.factory.evalBridge(context);
			this.call = bridge.getMember("call");
			this.beforeClose = bridge.getMember("before_close");
			this.app = this.factory.importApplication(bridge);
			this.context = context;
			if (logger.isInfoEnabled()) {
				logger.info("Python context " + this.index + " of '" + this.factory.app() + "': created in "
						+ (created - start) / 1_000_000 + " ms, application imported in "
						+ (System.nanoTime() - created) / 1_000_000 + " ms");
			}
		}
		catch (PolyglotException ex) {
			context.close(true);
			throw new PythonException("Cannot load the Python WSGI application '" + this.factory.app()
					+ "' in context " + this.index + ":\n" + PythonErrors.traceback(ex), null);
		}
		catch (RuntimeException ex) {
			context.close(true);
			throw ex;
		}
	}

	/** Enter the context on the calling thread, for one request. */
	void enter() {
		load();
		this.context.enter();
		synchronized (this.lock) {
			this.worker = Thread.currentThread();
		}
	}

	/**
	 * Stop the Python code of the request running on {@code thread} in this context, if that is still the one:
	 * Python does not see Java thread interrupts ({@code time.sleep} resumes, a loop spins on), only
	 * {@link Context#interrupt}. Delivered on its own virtual thread, since {@code Context.interrupt} waits; the
	 * context stays out of the pool until then, so the interrupt can only reach the request it was meant for.
	 * @return whether this context was running a request on that thread
	 */
	boolean interruptIfRunningOn(Thread thread) {
		synchronized (this.lock) {
			if (this.worker != thread) {
				return false;
			}
			if (this.interrupting) {
				return true;
			}
			this.interrupting = true;
		}
		Thread.startVirtualThread(this::deliverInterrupt);
		return true;
	}

	private void deliverInterrupt() {
		try {
			Runnable hook = this.beforeInterrupt;
			if (hook != null) {
				hook.run();
			}
			this.context.interrupt(INTERRUPT_TIMEOUT);
		}
		catch (TimeoutException | RuntimeException ex) {
			logger.warn("Could not interrupt the Python code of a timed-out request in context " + this.index + " of '"
					+ this.factory.app() + "': " + ex);
		}
		finally {
			boolean giveBack;
			synchronized (this.lock) {
				this.interrupting = false;
				giveBack = this.releasedWhileInterrupting;
				this.releasedWhileInterrupting = false;
			}
			if (giveBack) {
				this.pool.giveBack(this);
			}
		}
	}

	void beforeInterrupt(@Nullable Runnable hook) {
		this.beforeInterrupt = hook;
	}

	Value call(PythonExchange exchange) {
		return this.call.execute(this.app, exchange.environ(), exchange.extras(), exchange);
	}

	/** Leave the context on the calling thread and give the interpreter back to the pool. */
	void release() {
		try {
			this.context.leave();
		}
		finally {
			boolean giveBack;
			synchronized (this.lock) {
				this.worker = null;
				giveBack = !this.interrupting;
				this.releasedWhileInterrupting = this.interrupting;
			}
			if (giveBack) {
				this.pool.giveBack(this);
			}
		}
	}

	/**
	 * Close the context, or start cancelling it if it still runs a request (one that outlived the shutdown grace
	 * period) or a thread of the application.
	 * @return the thread cancelling the context, or {@code null} when it is closed
	 */
	@Nullable Thread close() {
		Context context = this.context;
		if (context == null) {
			return null;
		}
		boolean running;
		synchronized (this.lock) {
			running = this.worker != null;
		}
		if (!running) {
			try {
				this.beforeClose.execute(CLOSE_TIMEOUT_SECONDS);
				context.close();
				return null;
			}
			catch (IllegalStateException | PolyglotException ex) {
				// A thread of the application is still running in it: cancelled below.
			}
		}
		// On its own thread: close(true) waits for the cancelled code, and code that ignores the cancellation (a
		// host call that blocks) must not hold the shutdown forever.
		return Thread.ofPlatform().daemon().name("wsgi-python-cancel-" + this.index).start(() -> {
			try {
				context.close(true);
			}
			catch (RuntimeException ex) {
				logger.warn("Cancelling context " + this.index + " of '" + this.factory.app() + "' failed: " + ex);
			}
		});
	}

}
