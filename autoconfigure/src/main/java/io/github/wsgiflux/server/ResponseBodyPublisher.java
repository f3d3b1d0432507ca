package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * The response body of a streaming WSGI response: a {@link Publisher} fed by the one worker thread that runs the
 * application, which blocks while the client has no demand. Spring's {@code OutputStreamPublisher} runs its producer
 * on an executor of its own; here the producer is the thread already inside the application (the {@code write}
 * callable is called from deep within it), so the hand-off is inverted: the worker pushes, the subscriber pulls.
 * <p>
 * As in Spring's {@code OutputStreamPublisher}, the whole subscription state is one {@link AtomicLong}: the
 * outstanding demand ({@code Long.MAX_VALUE} is unbounded and never decremented), or one of two sentinels,
 * cancelled and terminated. The producer is unparked only when something can change for it: demand going from zero
 * to positive, the subscription arriving, a cancel or a termination. {@code request(n <= 0)} ends the body with an
 * {@link IllegalArgumentException} (Reactive Streams rule 3.9).
 * <p>
 * Signals come from the producer, except an abort (a timeout, on the timer thread) and rule 3.9's error (on the
 * subscriber's thread); {@code this} serializes them, so nothing follows a terminal signal.
 * <p>
 * Chunks are wrapped, not copied, in slices of at most {@code bufferSize} bytes; the amount in flight is bounded by
 * the subscriber's demand (Reactor Netty requests at most 128 buffers and stops while the channel is not writable).
 * <p>
 * Longer than this package's other classes on purpose: one Reactive Streams state machine, read as a whole.
 */
final class ResponseBodyPublisher implements Publisher<DataBuffer>, Subscription {

	private static final long CANCELLED = Long.MIN_VALUE;

	private static final long TERMINATED = Long.MIN_VALUE | Long.MAX_VALUE;

	private final DataBufferFactory bufferFactory;

	private final int bufferSize;

	private final Thread producer;

	private final AtomicReference<@Nullable Subscriber<? super DataBuffer>> subscriber = new AtomicReference<>();

	/** Outstanding demand, or {@link #CANCELLED} or {@link #TERMINATED}. */
	private final AtomicLong state = new AtomicLong();

	/** Set once {@code onSubscribe} returned, so that signals may follow. */
	private volatile boolean ready;

	/** Why the body was terminated by someone other than the producer, signalled once subscribed. */
	private volatile @Nullable Throwable error;

	/** Whether a terminal signal was sent; guarded by {@code this}. */
	private boolean signalled;

	ResponseBodyPublisher(DataBufferFactory bufferFactory, int bufferSize, Thread producer) {
		this.bufferFactory = bufferFactory;
		this.bufferSize = bufferSize;
		this.producer = producer;
	}

	@Override
	public void subscribe(Subscriber<? super DataBuffer> subscriber) {
		if (!this.subscriber.compareAndSet(null, subscriber)) {
			Operators.error(subscriber, new IllegalStateException("A WSGI response body has one subscriber only"));
			return;
		}
		subscriber.onSubscribe(this);
		this.ready = true;
		Throwable cause = this.error;
		if (cause != null && this.state.get() == TERMINATED) {
			// Terminated before anyone listened (an abort): say so now.
			signalError(cause);
		}
		LockSupport.unpark(this.producer);
	}

	@Override
	public void request(long n) {
		if (n <= 0) {
			Throwable cause = new IllegalArgumentException("Reactive Streams rule 3.9: request(" + n + ") must be > 0");
			this.error = cause;
			if (isOpen(terminate())) {
				signalError(cause);
				LockSupport.unpark(this.producer);
			}
			return;
		}
		long previous;
		long next;
		do {
			previous = this.state.get();
			if (previous < 0 || previous == Long.MAX_VALUE) {
				return;
			}
			next = Operators.addCap(previous, n);
		}
		while (!this.state.compareAndSet(previous, next));
		if (previous == 0) {
			LockSupport.unpark(this.producer);
		}
	}

	@Override
	public void cancel() {
		long previous;
		do {
			previous = this.state.get();
			if (previous < 0) {
				return;
			}
		}
		while (!this.state.compareAndSet(previous, CANCELLED));
		LockSupport.unpark(this.producer);
	}

	/**
	 * Release the producer when the response will never be written (the exchange ended before subscribing).
	 */
	void abandon() {
		if (this.subscriber.get() == null) {
			cancel();
		}
	}

	/**
	 * End the body with an error from a thread other than the producer's (a timeout): the connection is aborted at
	 * once (or as soon as the body is subscribed), and the producer's next write fails.
	 */
	void abort(Throwable cause) {
		this.error = cause;
		if (isOpen(terminate())) {
			if (this.ready) {
				signalError(cause);
			}
			LockSupport.unpark(this.producer);
		}
	}

	/**
	 * Send bytes; blocks until the subscriber wants them.
	 * @throws IOException when the client went away or the body was aborted, or the worker was interrupted
	 */
	void write(byte[] data, int offset, int length) throws IOException {
		int position = offset;
		int end = offset + length;
		while (position < end) {
			awaitDemand();
			int n = Math.min(end - position, this.bufferSize);
			synchronized (this) {
				// Checked under the lock that an abort signals under: no onNext after onError.
				if (!produced()) {
					throw new ClientAbortException();
				}
				subscriber().onNext(this.bufferFactory.wrap(ByteBuffer.wrap(data, position, n)));
			}
			position += n;
		}
	}

	/**
	 * End the body.
	 * @throws IOException when the client went away or the body was aborted before the end
	 */
	void complete() throws IOException {
		awaitSubscription();
		if (!isOpen(terminate())) {
			throw new ClientAbortException();
		}
		synchronized (this) {
			if (!this.signalled) {
				this.signalled = true;
				subscriber().onComplete();
			}
		}
	}

	/**
	 * Abort the body: the server closes the connection, so the client sees a truncated response.
	 */
	void error(Throwable failure) {
		try {
			awaitSubscription();
		}
		catch (IOException ex) {
			// Nobody is listening any more: nothing to abort.
			return;
		}
		if (isOpen(terminate())) {
			signalError(failure);
		}
	}

	private synchronized void signalError(Throwable failure) {
		if (!this.signalled) {
			this.signalled = true;
			subscriber().onError(failure);
		}
	}

	/**
	 * Count one buffer against the demand.
	 * @return {@code false} if the body was cancelled or terminated meanwhile
	 */
	private boolean produced() {
		while (true) {
			long current = this.state.get();
			if (current < 0) {
				return false;
			}
			if (current == Long.MAX_VALUE || this.state.compareAndSet(current, current - 1)) {
				return true;
			}
		}
	}

	/**
	 * Move to the terminated state.
	 * @return the state before
	 */
	private long terminate() {
		while (true) {
			long current = this.state.get();
			if (current < 0 || this.state.compareAndSet(current, TERMINATED)) {
				return current;
			}
		}
	}

	private static boolean isOpen(long state) {
		return state >= 0;
	}

	private Subscriber<? super DataBuffer> subscriber() {
		Subscriber<? super DataBuffer> current = this.subscriber.get();
		if (current == null) {
			throw new IllegalStateException("Not subscribed");
		}
		return current;
	}

	private void awaitSubscription() throws IOException {
		while (!this.ready && isOpen(this.state.get())) {
			park();
		}
		if (!isOpen(this.state.get())) {
			throw new ClientAbortException();
		}
	}

	private void awaitDemand() throws IOException {
		long current;
		while ((current = this.state.get()) == 0 || (current > 0 && !this.ready)) {
			park();
		}
		if (current < 0) {
			throw new ClientAbortException();
		}
	}

	private void park() throws IOException {
		LockSupport.park(this);
		if (Thread.interrupted()) {
			throw new InterruptedIOException("Interrupted while waiting for the client to read the response");
		}
	}

	/**
	 * The client went away or the response was stopped: what the application sees from {@code write}.
	 */
	static final class ClientAbortException extends IOException {

		ClientAbortException() {
			super("The client closed the connection", null);
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

	/**
	 * Ends a response body whose connection must be aborted (the application failed or timed out after the headers
	 * were sent). Stackless: the gateway logged the cause already. Its name must not look like a lost client to
	 * Spring ({@code DisconnectedClientHelper}), which would complete the response normally instead of aborting it.
	 */
	static final class ResponseAbortException extends IOException {

		ResponseAbortException(String message) {
			super(message, null);
		}

		@Override
		public synchronized Throwable fillInStackTrace() {
			return this;
		}

	}

}
