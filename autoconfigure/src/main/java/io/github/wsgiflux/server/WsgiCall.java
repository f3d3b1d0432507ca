package io.github.wsgiflux.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import io.github.wsgiflux.server.ResponseBodyPublisher.ClientAbortException;
import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.github.wsgiflux.server.WsgiServerResponse.WriteListener;
import io.github.wsgiflux.spi.InvalidResponseException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The lifecycle of one WSGI request: its states, its timers, the interrupt of its worker, and its outcome, recorded
 * once. The worker calls the application, iterates its body and closes it, all on that one thread, so that
 * thread-bound state of legacy code holds for the whole request; the response itself follows PEP 3333 in
 * {@link WsgiResponseProtocol}.
 * <p>
 * A request is settled exactly once, by the worker or by a timeout: {@link #state} moves from queued to running to
 * done, or from queued to expired (queue timeout, 503), or from running to timed out (504 or an aborted connection,
 * and the worker is interrupted). Whatever way it ends, the request body is released, the application's body
 * closed once, the worker left without an interrupt, and the outcome recorded once.
 * <p>
 * Threads: the event loop creates the call and may cancel it; the worker runs it; the timer thread fires timeouts;
 * the HTTP layer reports how writing ended ({@link WriteListener}). Every field that more than one of them touches is
 * volatile or atomic. The one timer slot is claimed with compare-and-set, so the queue timer the event loop starts
 * after admission can never overwrite the request timer a fast worker already started.
 * <p>
 * Longer than this package's other classes on purpose: every way a request can end is here, so that each can be
 * checked against the others (the response protocol, the answers and the records live apart).
 */
final class WsgiCall implements Runnable, WriteListener {

	private static final Log logger = LogFactory.getLog(WsgiCall.class);

	private static final int QUEUED = 0;

	private static final int RUNNING = 1;

	private static final int DONE = 2;

	private static final int EXPIRED = 3;

	private static final int TIMED_OUT = 4;

	/** In the timer slot once no timer may start any more (the worker took over, or the request ended). */
	private static final Disposable NO_MORE_TIMERS = Disposables.disposed();

	// Field updaters, as Reactor's operators keep their state: no atomic object per field and request.
	private static final AtomicIntegerFieldUpdater<WsgiCall> STATE = AtomicIntegerFieldUpdater.newUpdater(WsgiCall.class,
			"state");

	private static final AtomicIntegerFieldUpdater<WsgiCall> RECORDED = AtomicIntegerFieldUpdater
		.newUpdater(WsgiCall.class, "recorded");

	private static final AtomicReferenceFieldUpdater<WsgiCall, Disposable> TIMER = AtomicReferenceFieldUpdater
		.newUpdater(WsgiCall.class, Disposable.class, "timer");

	private final MountContext mount;

	private final Map<String, Object> environ;

	private final String method;

	private final String path;

	private final RequestBodyStream input;

	private final WsgiErrorsWriter errors;

	private final WsgiResponseProtocol response;

	private final long arrivalNanos = System.nanoTime();

	private volatile int state = QUEUED;

	/** 1 once the outcome was recorded. */
	private volatile int recorded;

	/** Whether this is a shadow comparison's run: not counted in the route table. */
	private boolean shadow;

	private volatile long startNanos;

	private volatile @Nullable Thread worker;

	/** Set by the timer thread once its interrupt of the worker returned (or failed). */
	private volatile boolean interruptDelivered;

	/** The queue timer, then the request timer, then {@link #NO_MORE_TIMERS}. */
	private volatile @Nullable Disposable timer;

	WsgiCall(MountContext mount, Map<String, Object> environ, String method, String path, RequestBodyStream input,
			WsgiErrorsWriter errors, DataBufferFactory bufferFactory, MonoSink<ServerResponse> sink) {
		this.mount = mount;
		this.environ = environ;
		this.method = method;
		this.path = path;
		this.input = input;
		this.errors = errors;
		this.response = new WsgiResponseProtocol(sink, bufferFactory, mount.settings().bufferSize(),
				"HEAD".equals(method), this);
	}

	/** Mark this call as a shadow comparison's run, before it is scheduled: the route table does not count it. */
	void shadow() {
		this.shadow = true;
	}

	/**
	 * The request was admitted: start the queue timeout, if any. A worker may already have started the request
	 * (or finished it): then the queue timer is not needed and is cancelled at once.
	 */
	void admitted() {
		Duration queueTimeout = this.mount.settings().queueTimeout();
		Scheduler timer = this.mount.settings().timer();
		if (queueTimeout != null && timer != null && this.state == QUEUED) {
			Disposable queueTimer = timer.schedule(this::queueTimeout, queueTimeout.toNanos(), TimeUnit.NANOSECONDS);
			if (!TIMER.compareAndSet(this, null, queueTimer)) {
				queueTimer.dispose();
			}
		}
	}

	/**
	 * The scheduler was full.
	 */
	void rejected() {
		if (!STATE.compareAndSet(this, QUEUED, DONE)) {
			return;
		}
		this.input.release();
		this.response.answer(this.mount.answers().serviceUnavailable());
		record(503, Outcome.REJECTED);
	}

	@Override
	public void run() {
		if (!STATE.compareAndSet(this, QUEUED, RUNNING)) {
			return;
		}
		this.worker = Thread.currentThread();
		this.startNanos = System.nanoTime();
		if (this.mount.timed()) {
			startRequestTimer();
		}
		Iterable<byte[]> result = null;
		try {
			result = this.mount.mount().getApplication().call(this.environ, this.response);
			if (result == null) {
				throw new IllegalStateException("The application returned null instead of a body iterable");
			}
			this.response.respond(result);
			record(this.response.status(),
					(this.response.isClientGone() || this.input.isClientGone()) ? Outcome.CLIENT_GONE : Outcome.SUCCESS);
		}
		catch (Throwable ex) {
			fail(ex);
		}
		finally {
			close(result);
			this.input.finish();
			this.errors.flush();
			if (this.mount.timed()) {
				stopTimers();
			}
			endRunning();
		}
	}

	/**
	 * The exchange ended before the response was published (the client went away).
	 */
	void cancel() {
		this.response.clientGone();
		if (STATE.compareAndSet(this, QUEUED, DONE)) {
			// Never started: the worker that picks the task up skips it.
			stopTimers();
			this.input.release();
			record(0, Outcome.CLIENT_GONE);
		}
	}

	/**
	 * The HTTP layer refused the head that {@link ResponseHead} accepted (their rules are meant to be equal; this is
	 * the safety net): answer the gateway's 500 instead, and fail the streaming worker's next write.
	 */
	@Override
	public ServerResponse headRefused(RuntimeException ex) {
		logger.error("The HTTP layer refused the response head of " + describe() + ": " + ex.getMessage()
				+ "; answering 500");
		// Recorded before the worker is released: its failing write must not record first.
		record(500, Outcome.APPLICATION_ERROR);
		this.response.abortBody("Response head refused: " + ex);
		return this.mount.answers().failure(ex);
	}

	/**
	 * Writing ended: a body never subscribed (the exchange ended first) releases the worker waiting to stream it.
	 */
	@Override
	public void writeEnded() {
		this.response.abandonBody();
	}

	/** On the worker: the application, or the response it produced, failed. */
	private void fail(Throwable ex) {
		if (this.state == TIMED_OUT) {
			if (logger.isDebugEnabled()) {
				logger.debug("WSGI application ended after the timeout of " + describe() + ": " + ex);
			}
			return;
		}
		if (ex instanceof ClientAbortException || this.input.isClientGone()
				|| (this.response.isClientGone() && !this.response.isPublished())) {
			if (logger.isDebugEnabled()) {
				logger.debug("Client went away during " + describe() + ": " + ex);
			}
			// The body read may fail before the exchange hears of the closed connection: answer, to nobody as a rule;
			// a body already streaming ends, so that nothing waits for it.
			if (!this.response.answer(this.mount.answers().incompleteBody())) {
				this.response.failBody(ex);
			}
			record(0, Outcome.CLIENT_GONE);
			return;
		}
		RequestBodyTooLargeException tooLarge = GatewayAnswers.bodyTooLarge(ex);
		if (this.response.claim()) {
			if (tooLarge != null) {
				logger.info("Request body too large on " + describe() + ": " + tooLarge.getMessage());
			}
			else if (ex instanceof InvalidResponseException) {
				logger.error("Invalid WSGI response on " + describe() + ": " + ex.getMessage());
			}
			else {
				logger.error("WSGI application failed on " + describe(), ex);
			}
			this.response.sendClaimed(this.mount.answers().failure(ex));
			record((tooLarge != null) ? 413 : 500, (tooLarge != null) ? Outcome.BAD_REQUEST : Outcome.APPLICATION_ERROR);
			return;
		}
		if (ex instanceof InvalidResponseException || tooLarge != null) {
			logger.error("Invalid WSGI response on " + describe() + ", aborting the connection: "
					+ ((tooLarge != null) ? tooLarge.getMessage() : ex.getMessage()));
		}
		else {
			logger.error("WSGI application failed on " + describe() + " after the response started; aborting the "
					+ "connection", ex);
		}
		this.response.failBody(ex);
		record(this.response.startedStatus(), Outcome.ABORTED);
	}

	private void startRequestTimer() {
		Duration timeout = this.mount.settings().requestTimeout();
		Scheduler timer = this.mount.settings().timer();
		Disposable requestTimer = (timeout != null && timer != null)
				? timer.schedule(this::requestTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS) : NO_MORE_TIMERS;
		Disposable queueTimer = TIMER.getAndSet(this, requestTimer);
		if (queueTimer != null) {
			queueTimer.dispose();
		}
	}

	private void stopTimers() {
		Disposable current = TIMER.getAndSet(this, NO_MORE_TIMERS);
		if (current != null) {
			current.dispose();
		}
	}

	/** On the timer thread: the request waited too long for a worker. */
	private void queueTimeout() {
		if (!STATE.compareAndSet(this, QUEUED, EXPIRED)) {
			return;
		}
		this.input.release();
		logger.warn("WSGI request " + describe() + " waited longer than wsgi.scheduler.queue-timeout for a worker: "
				+ "answering 503");
		this.mount.scheduler().recordQueueTimeout();
		this.response.answer(this.mount.answers().serviceUnavailable());
		record(503, Outcome.QUEUE_TIMEOUT);
	}

	/** On the timer thread: the application ran too long. */
	private void requestTimeout() {
		if (!STATE.compareAndSet(this, RUNNING, TIMED_OUT)) {
			return;
		}
		this.mount.scheduler().recordTimeout();
		boolean answered = this.response.claim();
		logger.warn("WSGI request " + describe() + " ran longer than wsgi.request.timeout ("
				+ this.mount.settings().requestTimeout() + "): "
				+ (answered ? "answering 504" : "aborting the connection") + " and interrupting its worker");
		if (answered) {
			this.response.sendClaimed(this.mount.answers().gatewayTimeout());
			record(504, Outcome.TIMEOUT);
		}
		else {
			this.response.abortBody("WSGI response aborted: wsgi.request.timeout exceeded");
			record(this.response.startedStatus(), Outcome.TIMEOUT);
		}
		this.input.release();
		Thread thread = this.worker;
		if (thread == null) {
			this.interruptDelivered = true;
			return;
		}
		try {
			this.mount.mount().getApplication().interrupt(thread);
		}
		catch (Throwable ex) {
			// An application's interrupt failing is its problem, not the timer thread's; a JVM error still is.
			Exceptions.throwIfJvmFatal(ex);
			logger.warn("Interrupting the worker of " + describe() + " failed; interrupting its thread", ex);
			thread.interrupt();
		}
		finally {
			// Whatever happened above: the worker waits for this, parked, in endRunning().
			this.interruptDelivered = true;
			LockSupport.unpark(thread);
		}
	}

	/**
	 * Leave the worker thread as it was found: an interrupt meant for this request must not hit the next one. When
	 * the timer timed the request out, wait (parked, not spinning) until its interrupt was delivered, then clear it.
	 */
	private void endRunning() {
		if (!STATE.compareAndSet(this, RUNNING, DONE)) {
			while (!this.interruptDelivered) {
				// park() returns at once while the interrupt flag is set: clear it first, or this would spin.
				Thread.interrupted();
				LockSupport.park(this);
			}
			Thread.interrupted();
		}
	}

	private void record(int status, Outcome outcome) {
		WsgiRequestRecorder recorder = this.mount.recorder();
		if (recorder.isObserved() && RECORDED.compareAndSet(this, 0, 1)) {
			recorder.ended(this.method, this.path, status, outcome, this.response.bytesSent(), this.arrivalNanos,
					this.startNanos, this.shadow);
		}
	}

	private void close(@Nullable Iterable<byte[]> result) {
		if (result instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Throwable ex) {
				logger.error("close() of the WSGI response body failed on " + describe(), ex);
			}
		}
	}

	private String describe() {
		return this.method + " " + this.path + " (mount '" + this.mount.mount().getName() + "')";
	}

}
