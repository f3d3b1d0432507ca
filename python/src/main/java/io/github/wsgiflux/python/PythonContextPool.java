package io.github.wsgiflux.python;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The interpreter contexts of one application and which of them are idle: a request borrows one on its worker thread
 * (waiting there when every context is busy) and gives it back when its body is closed; a warm-up takes the unloaded
 * ones out while it loads them. It also finds the context a worker runs in, for an interrupt, and closes them all.
 * Used by workers, warm-up threads, interrupting threads and the closing thread at once.
 */
final class PythonContextPool {

	/** Under the public class's name, where users set the level of the application's messages. */
	private static final Log logger = LogFactory.getLog(PythonWsgiApplication.class);

	private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(3);

	private final String app;

	private final List<PythonInterpreter> interpreters;

	/** The contexts a request may borrow: loaded ones, and (without a warm-up) those a request loads itself. */
	private final BlockingDeque<PythonInterpreter> idle;

	private final AtomicInteger busy = new AtomicInteger();

	private volatile boolean closed;

	PythonContextPool(PythonContextFactory factory, int size) {
		this.app = factory.app();
		List<PythonInterpreter> interpreters = new ArrayList<>(size);
		for (int i = 0; i < size; i++) {
			interpreters.add(new PythonInterpreter(factory, this, i));
		}
		this.interpreters = List.copyOf(interpreters);
		this.idle = new LinkedBlockingDeque<>(this.interpreters);
	}

	/**
	 * Borrow an idle context for a request, without waiting.
	 * @return the context, or {@code null} when none is idle
	 */
	@Nullable PythonInterpreter tryBorrow() {
		PythonInterpreter interpreter = this.idle.pollFirst();
		if (interpreter != null) {
			this.busy.incrementAndGet();
		}
		return interpreter;
	}

	/**
	 * Borrow a context for a request, waiting until one is idle.
	 * @return the context
	 * @throws InterruptedException when the worker is interrupted while it waits
	 */
	PythonInterpreter borrow() throws InterruptedException {
		PythonInterpreter interpreter = this.idle.takeFirst();
		this.busy.incrementAndGet();
		return interpreter;
	}

	/** Take back a context a request borrowed. */
	void giveBack(PythonInterpreter interpreter) {
		this.busy.decrementAndGet();
		this.idle.offerFirst(interpreter);
	}

	/**
	 * Take every idle context that has not loaded the application out of the pool, for a warm-up.
	 * @return the contexts to load
	 */
	List<PythonInterpreter> takeForWarmUp() {
		List<PythonInterpreter> toLoad = new ArrayList<>();
		for (PythonInterpreter interpreter : this.interpreters) {
			// One that is not idle is being loaded by a request already.
			if (!interpreter.isLoaded() && this.idle.remove(interpreter)) {
				toLoad.add(interpreter);
			}
		}
		return toLoad;
	}

	/** Put back a context {@link #takeForWarmUp()} took, whether its load succeeded or not. */
	void returnFromWarmUp(PythonInterpreter interpreter) {
		if (this.closed) {
			// Loaded after the application was closed (a shutdown during the warm-up).
			interpreter.close();
		}
		else {
			// Loaded, it serves; not loaded, a request that borrows it retries the import and gets its error.
			this.idle.offerFirst(interpreter);
		}
	}

	/**
	 * Interrupt the Python code of the request running on {@code worker}, if it runs in one of these contexts.
	 * @param worker the thread running the request
	 * @return whether a context was running a request on that thread
	 */
	boolean interruptIfRunningOn(Thread worker) {
		for (PythonInterpreter interpreter : this.interpreters) {
			if (interpreter.interruptIfRunningOn(worker)) {
				return true;
			}
		}
		return false;
	}

	/** For tests: run {@code hook} on the interrupting thread just before each interrupt is delivered. */
	void beforeInterrupt(@Nullable Runnable hook) {
		this.interpreters.forEach((interpreter) -> interpreter.beforeInterrupt(hook));
	}

	int size() {
		return this.interpreters.size();
	}

	int loaded() {
		return (int) this.interpreters.stream().filter(PythonInterpreter::isLoaded).count();
	}

	int busy() {
		return this.busy.get();
	}

	/**
	 * Close every context. Those still running a request (past the shutdown grace period) are cancelled, all at
	 * once, and waited for at most 3 seconds in total.
	 */
	void close() {
		this.closed = true;
		List<Thread> cancelling = new ArrayList<>();
		for (PythonInterpreter interpreter : this.interpreters) {
			Thread cancel = interpreter.close();
			if (cancel != null) {
				cancelling.add(cancel);
			}
		}
		long deadline = System.nanoTime() + CANCEL_TIMEOUT.toNanos();
		for (Thread cancel : cancelling) {
			try {
				if (!cancel.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
					logger.warn("A context of '" + this.app + "' still runs " + CANCEL_TIMEOUT.toSeconds()
							+ " s after it was cancelled; not waiting for it any longer");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

}
