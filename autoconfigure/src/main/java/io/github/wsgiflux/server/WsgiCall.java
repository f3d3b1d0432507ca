package io.github.wsgiflux.server;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.github.wsgiflux.server.ResponseBodyPublisher.ClientAbortException;
import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.github.wsgiflux.server.WsgiServerResponse.WriteListener;
import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.InvalidResponseException;
import io.github.wsgiflux.spi.StartResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * One WSGI request on its worker thread: calls the application, iterates its body and closes it, all on that one
 * thread, so that thread-bound state of legacy code holds for the whole request. It is also the {@code
 * start_response} and {@code write} callables the application receives.
 * <p>
 * Status and headers are published to WebFlux when the first non-empty chunk, the first {@code write} or the end of
 * the body arrives (PEP 3333). A body known to hold at most one chunk (a collection) is sent with a
 * {@code Content-Length}; any other body is streamed with backpressure.
 * <p>
 * A request is settled exactly once, by the worker or by a timeout: {@link #state} moves from queued to running to
 * done, or from queued to expired (queue timeout, 503), or from running to timed out (504 or an aborted connection,
 * and the worker is interrupted).
 * <p>
 * Threads: the event loop creates the call and may cancel it; the worker runs it; the timer thread fires timeouts;
 * the HTTP layer reports how writing ended ({@link WriteListener}). Every field that more than one of them touches is
 * volatile or atomic. The one timer slot is claimed with compare-and-set, so the queue timer the event loop starts
 * after admission can never overwrite the request timer a fast worker already started.
 */
final class WsgiCall implements Runnable, StartResponse, BodyWriter, WriteListener {

	private static final Log logger = LogFactory.getLog(WsgiCall.class);

	private static final byte[] EMPTY = new byte[0];

	private static final int QUEUED = 0;

	private static final int RUNNING = 1;

	private static final int DONE = 2;

	private static final int EXPIRED = 3;

	private static final int TIMED_OUT = 4;

	/** In the timer slot once no timer may start any more (the worker took over, or the request ended). */
	private static final Disposable NO_MORE_TIMERS = Disposables.disposed();

	private final WsgiHandlerFunction handler;

	private final Map<String, Object> environ;

	private final String method;

	private final String path;

	private final RequestBodyStream input;

	private final WsgiErrorsWriter errors;

	private final DataBufferFactory bufferFactory;

	private final MonoSink<ServerResponse> sink;

	private final long arrivalNanos = System.nanoTime();

	private final AtomicInteger state = new AtomicInteger(QUEUED);

	/** Whether a response was handed to WebFlux; whoever sets it decides the status. */
	private final AtomicBoolean published = new AtomicBoolean();

	private final AtomicBoolean recorded = new AtomicBoolean();

	/** Written by the worker, read by the timer and the event loop when they record the outcome. */
	private volatile @Nullable ResponseHead started;

	/** Whether the whole response, body included, was published at once; worker only. */
	private boolean whole;

	/** The body the worker streams to; worker only. */
	private @Nullable ResponseBodyPublisher body;

	private volatile long bytesSent;

	private volatile long startNanos;

	private volatile boolean cancelled;

	private volatile @Nullable ResponseBodyPublisher publishedBody;

	private volatile @Nullable Thread worker;

	/** Set by the timer thread once its interrupt of the worker returned (or failed). */
	private volatile boolean interruptDelivered;

	/** The queue timer, then the request timer, then {@link #NO_MORE_TIMERS}. */
	private final AtomicReference<@Nullable Disposable> timer = new AtomicReference<>();

	WsgiCall(WsgiHandlerFunction handler, Map<String, Object> environ, String method, String path,
			RequestBodyStream input, WsgiErrorsWriter errors, DataBufferFactory bufferFactory,
			MonoSink<ServerResponse> sink) {
		this.handler = handler;
		this.environ = environ;
		this.method = method;
		this.path = path;
		this.input = input;
		this.errors = errors;
		this.bufferFactory = bufferFactory;
		this.sink = sink;
	}

	/**
	 * The request was admitted: start the queue timeout, if any. A worker may already have started the request
	 * (or finished it): then the queue timer is not needed and is cancelled at once.
	 */
	void admitted() {
		Duration queueTimeout = this.handler.getSettings().queueTimeout();
		Scheduler timer = this.handler.getSettings().timer();
		if (queueTimeout != null && timer != null && this.state.get() == QUEUED) {
			Disposable queueTimer = timer.schedule(this::queueTimeout, queueTimeout.toNanos(), TimeUnit.NANOSECONDS);
			if (!this.timer.compareAndSet(null, queueTimer)) {
				queueTimer.dispose();
			}
		}
	}

	/**
	 * The scheduler was full.
	 */
	void rejected() {
		if (!this.state.compareAndSet(QUEUED, DONE)) {
			return;
		}
		this.input.release();
		this.published.set(true);
		this.sink.success(this.handler.serviceUnavailable());
		record(503, Outcome.REJECTED);
	}

	@Override
	public void run() {
		if (!this.state.compareAndSet(QUEUED, RUNNING)) {
			return;
		}
		this.worker = Thread.currentThread();
		this.startNanos = System.nanoTime();
		startRequestTimer();
		Iterable<byte[]> result = null;
		try {
			result = this.handler.getMount().getApplication().call(this.environ, this);
			if (result == null) {
				throw new IllegalStateException("The application returned null instead of a body iterable");
			}
			respond(result);
			record(requireStarted().status.value(), this.cancelled ? Outcome.CLIENT_GONE : Outcome.SUCCESS);
		}
		catch (Throwable ex) {
			fail(ex);
		}
		finally {
			close(result);
			this.input.finish();
			this.errors.flush();
			stopTimers();
			endRunning();
		}
	}

	/**
	 * The exchange ended before the response was published (the client went away).
	 */
	void cancel() {
		this.cancelled = true;
		ResponseBodyPublisher current = this.publishedBody;
		if (current != null) {
			current.abandon();
		}
		if (this.state.compareAndSet(QUEUED, DONE)) {
			// Never started: the worker that picks the task up skips it.
			stopTimers();
			this.input.release();
			record(0, Outcome.CLIENT_GONE);
		}
	}

	@Override
	public BodyWriter start(String status, List<Header> headers, @Nullable Throwable excInfo) throws Exception {
		if (excInfo != null) {
			if (this.published.get()) {
				// PEP 3333: too late to replace the response, re-raise the application's error.
				throw (excInfo instanceof Exception exception) ? exception : new Exception(excInfo);
			}
		}
		else if (this.started != null) {
			throw new IllegalStateException("start_response was already called; a second call is only allowed "
					+ "with exc_info (PEP 3333)");
		}
		this.started = ResponseHead.of(status, headers);
		return this;
	}

	@Override
	public void write(byte[] data) throws IOException {
		if (this.started == null) {
			throw new IllegalStateException("write() called before start_response");
		}
		if (data.length > 0) {
			send(data);
		}
	}

	private void respond(Iterable<byte[]> result) throws Exception {
		if (!this.published.get() && result instanceof Collection<?> collection && collection.size() <= 1) {
			Iterator<byte[]> iterator = result.iterator();
			byte[] only = iterator.hasNext() ? chunk(iterator.next()) : EMPTY;
			if (!this.published.get()) {
				commitWhole(only);
				return;
			}
		}
		for (byte[] chunk : result) {
			if (chunk(chunk).length > 0) {
				send(chunk);
				if (this.body == null) {
					// HEAD, or a status without body: the headers are out, the rest would be discarded.
					return;
				}
			}
		}
		finish();
	}

	private static byte[] chunk(byte @Nullable [] chunk) {
		if (chunk == null) {
			throw new IllegalStateException("The application yielded a null chunk");
		}
		return chunk;
	}

	private void send(byte[] chunk) throws IOException {
		if (!this.published.get()) {
			commitStreaming();
		}
		else if (this.whole) {
			throw new IllegalStateException("write() called after the whole response was sent");
		}
		ResponseHead head = requireStarted();
		this.bytesSent += chunk.length;
		if (head.contentLength >= 0 && this.bytesSent > head.contentLength && this.body != null) {
			throw new InvalidResponseException("The application sent more than the " + head.contentLength
					+ " bytes its Content-Length declared");
		}
		if (this.body != null) {
			this.body.write(chunk, 0, chunk.length);
		}
	}

	private void finish() throws IOException {
		if (!this.published.get()) {
			commitWhole(EMPTY);
			return;
		}
		ResponseBodyPublisher current = this.body;
		if (current != null) {
			long declared = requireStarted().contentLength;
			if (declared >= 0 && this.bytesSent < declared) {
				throw new InvalidResponseException("The application sent " + this.bytesSent + " bytes, less than the "
						+ declared + " its Content-Length declared");
			}
			current.complete();
		}
	}

	private void commitWhole(byte[] bytes) throws IOException {
		ResponseHead head = requireStarted();
		boolean allowsBody = head.allowsBody();
		if (!allowsBody && bytes.length > 0) {
			throw new InvalidResponseException("Status " + head.status.value() + " does not allow a body, yet the "
					+ "application produced " + bytes.length + " bytes");
		}
		if (head.contentLength >= 0 && allowsBody && !isHead() && head.contentLength != bytes.length) {
			throw new InvalidResponseException("The application declared Content-Length: " + head.contentLength
					+ " but produced " + bytes.length + " bytes");
		}
		long addLength = (head.contentLength < 0 && allowsBody && !(isHead() && bytes.length == 0)) ? bytes.length
				: -1;
		@Nullable Mono<DataBuffer> content = (bytes.length == 0 || isHead()) ? null
				: Mono.just(this.bufferFactory.wrap(bytes));
		this.whole = true;
		this.bytesSent = bytes.length;
		publish(new WsgiServerResponse(head.status, head.headers, addLength, content, this), null);
	}

	private void commitStreaming() throws IOException {
		ResponseHead head = requireStarted();
		ResponseBodyPublisher publisher = (isHead() || !head.allowsBody()) ? null
				: new ResponseBodyPublisher(this.bufferFactory, this.handler.getSettings().bufferSize(),
						Thread.currentThread());
		this.body = publisher;
		publish(new WsgiServerResponse(head.status, head.headers, -1, publisher, this), publisher);
	}

	/**
	 * Hand the response to WebFlux, unless a timeout already answered the request.
	 */
	private void publish(ServerResponse response, @Nullable ResponseBodyPublisher publisher) throws IOException {
		if (!this.published.compareAndSet(false, true)) {
			throw new ClientAbortException();
		}
		this.publishedBody = publisher;
		this.sink.success(response);
		if (this.cancelled && publisher != null) {
			publisher.abandon();
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
		ResponseBodyPublisher current = this.publishedBody;
		if (current != null) {
			current.abort(new ResponseBodyPublisher.ResponseAbortException("Response head refused: " + ex));
		}
		return this.handler.internalServerError(ex);
	}

	/**
	 * Writing ended: a body never subscribed (the exchange ended first) releases the worker waiting to stream it.
	 */
	@Override
	public void writeEnded() {
		ResponseBodyPublisher current = this.publishedBody;
		if (current != null) {
			current.abandon();
		}
	}

	private void fail(Throwable ex) {
		if (this.state.get() == TIMED_OUT) {
			if (logger.isDebugEnabled()) {
				logger.debug("WSGI application ended after the timeout of " + describe() + ": " + ex);
			}
			return;
		}
		if (ex instanceof ClientAbortException || (this.cancelled && !this.published.get())) {
			if (logger.isDebugEnabled()) {
				logger.debug("Client went away during " + describe());
			}
			record(0, Outcome.CLIENT_GONE);
			return;
		}
		RequestBodyTooLargeException tooLarge = findCause(ex, RequestBodyTooLargeException.class);
		if (this.published.compareAndSet(false, true)) {
			if (tooLarge != null) {
				logger.info("Request body too large on " + describe() + ": " + tooLarge.getMessage());
				this.sink.success(this.handler.payloadTooLarge());
				record(413, Outcome.BAD_REQUEST);
				return;
			}
			if (ex instanceof InvalidResponseException) {
				logger.error("Invalid WSGI response on " + describe() + ": " + ex.getMessage());
			}
			else {
				logger.error("WSGI application failed on " + describe(), ex);
			}
			this.body = null;
			this.sink.success(this.handler.internalServerError(ex));
			record(500, Outcome.APPLICATION_ERROR);
			return;
		}
		ResponseBodyPublisher current = this.body;
		if (ex instanceof InvalidResponseException || tooLarge != null) {
			logger.error("Invalid WSGI response on " + describe() + ", aborting the connection: "
					+ ((tooLarge != null) ? tooLarge.getMessage() : ex.getMessage()));
		}
		else {
			logger.error("WSGI application failed on " + describe() + " after the response started; aborting the "
					+ "connection", ex);
		}
		if (current != null) {
			current.error(new ResponseBodyPublisher.ResponseAbortException("WSGI response aborted after its headers were sent: "
					+ ex));
		}
		record((this.started != null) ? this.started.status.value() : 0, Outcome.ABORTED);
	}

	private void startRequestTimer() {
		Duration timeout = this.handler.getSettings().requestTimeout();
		Scheduler timer = this.handler.getSettings().timer();
		Disposable requestTimer = (timeout != null && timer != null)
				? timer.schedule(this::requestTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS) : NO_MORE_TIMERS;
		Disposable queueTimer = this.timer.getAndSet(requestTimer);
		if (queueTimer != null) {
			queueTimer.dispose();
		}
	}

	private void stopTimers() {
		Disposable current = this.timer.getAndSet(NO_MORE_TIMERS);
		if (current != null) {
			current.dispose();
		}
	}

	/** On the timer thread: the request waited too long for a worker. */
	private void queueTimeout() {
		if (!this.state.compareAndSet(QUEUED, EXPIRED)) {
			return;
		}
		this.input.release();
		logger.warn("WSGI request " + describe() + " waited longer than wsgi.scheduler.queue-timeout for a worker: "
				+ "answering 503");
		this.handler.getScheduler().recordQueueTimeout();
		if (this.published.compareAndSet(false, true)) {
			this.sink.success(this.handler.serviceUnavailable());
		}
		record(503, Outcome.QUEUE_TIMEOUT);
	}

	/** On the timer thread: the application ran too long. */
	private void requestTimeout() {
		if (!this.state.compareAndSet(RUNNING, TIMED_OUT)) {
			return;
		}
		this.handler.getScheduler().recordTimeout();
		boolean answered = this.published.compareAndSet(false, true);
		logger.warn("WSGI request " + describe() + " ran longer than wsgi.request.timeout ("
				+ this.handler.getSettings().requestTimeout() + "): "
				+ (answered ? "answering 504" : "aborting the connection") + " and interrupting its worker");
		if (answered) {
			this.sink.success(this.handler.gatewayTimeout());
			record(504, Outcome.TIMEOUT);
		}
		else {
			ResponseBodyPublisher current = this.publishedBody;
			if (current != null) {
				current.abort(new ResponseBodyPublisher.ResponseAbortException("WSGI response aborted: wsgi.request.timeout "
						+ "exceeded"));
			}
			record((this.started != null) ? this.started.status.value() : 0, Outcome.TIMEOUT);
		}
		this.input.release();
		Thread thread = this.worker;
		if (thread == null) {
			this.interruptDelivered = true;
			return;
		}
		try {
			this.handler.getMount().getApplication().interrupt(thread);
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
		if (!this.state.compareAndSet(RUNNING, DONE)) {
			while (!this.interruptDelivered) {
				// park() returns at once while the interrupt flag is set: clear it first, or this would spin.
				Thread.interrupted();
				LockSupport.park(this);
			}
			Thread.interrupted();
		}
	}

	private void record(int status, Outcome outcome) {
		WsgiRequestObserver observer = this.handler.getSettings().observer();
		// No record to build when nobody observes (no metrics, no access log): nothing allocated per request.
		if (observer != WsgiRequestObserver.NONE && this.recorded.compareAndSet(false, true)) {
			long now = System.nanoTime();
			long queued = ((this.startNanos != 0) ? this.startNanos : now) - this.arrivalNanos;
			observer.requestEnded(new WsgiRequestRecord(this.handler.getMount().getName(), this.method, this.path, status,
						outcome, this.bytesSent, queued, now - this.arrivalNanos));
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

	private ResponseHead requireStarted() {
		ResponseHead head = this.started;
		if (head == null) {
			throw new IllegalStateException("The application produced a body without calling start_response");
		}
		return head;
	}

	private boolean isHead() {
		return "HEAD".equals(this.method);
	}

	private String describe() {
		return this.method + " " + this.path + " (mount '" + this.handler.getMount().getName() + "')";
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		Throwable current = ex;
		for (int depth = 0; current != null && depth < 10; depth++) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			current = current.getCause();
		}
		return null;
	}

}
