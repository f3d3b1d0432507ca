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
 * application, which blocks while the client has no demand. Spring's {@code outputStreamPublisher} runs its producer
 * on an executor of its own; here the producer is the thread already inside the application (the {@code write}
 * callable is called from deep within it), so the hand-off is inverted: the worker pushes, the subscriber pulls.
 * <p>
 * Chunks are wrapped, not copied, in slices of at most {@code bufferSize} bytes; the amount in flight is bounded by
 * the subscriber's demand (Reactor Netty requests at most 128 buffers and stops while the channel is not writable).
 */
final class ResponseBodyPublisher implements Publisher<DataBuffer>, Subscription {

	private final DataBufferFactory bufferFactory;

	private final int bufferSize;

	private final Thread producer;

	private final AtomicReference<@Nullable Subscriber<? super DataBuffer>> subscriber = new AtomicReference<>();

	private final AtomicLong demand = new AtomicLong();

	/** Set once {@code onSubscribe} returned, so that the producer may signal. */
	private volatile boolean ready;

	/** Set when the subscriber cancelled, or nobody will ever subscribe. */
	private volatile boolean cancelled;

	/** Set by {@link #abort} from another thread (a timeout): the body ends with this error. */
	private volatile @Nullable Throwable abortCause;

	/** Whether a terminal signal was sent; guarded by {@code this}, which serializes the signals. */
	private boolean terminated;

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
		Throwable cause = this.abortCause;
		if (cause != null) {
			signalError(cause);
		}
		LockSupport.unpark(this.producer);
	}

	@Override
	public void request(long n) {
		if (n <= 0) {
			cancel();
			return;
		}
		this.demand.getAndUpdate((current) -> Operators.addCap(current, n));
		LockSupport.unpark(this.producer);
	}

	@Override
	public void cancel() {
		this.cancelled = true;
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
	 * once, and the producer's next write fails.
	 */
	void abort(Throwable cause) {
		this.abortCause = cause;
		if (this.ready) {
			signalError(cause);
		}
		LockSupport.unpark(this.producer);
	}

	/**
	 * Send bytes; blocks until the subscriber wants them.
	 * @throws IOException when the client went away, or the worker was interrupted
	 */
	void write(byte[] data, int offset, int length) throws IOException {
		int position = offset;
		int end = offset + length;
		while (position < end) {
			awaitDemand();
			int n = Math.min(end - position, this.bufferSize);
			DataBuffer buffer = this.bufferFactory.wrap(ByteBuffer.wrap(data, position, n));
			this.demand.decrementAndGet();
			synchronized (this) {
				if (this.terminated) {
					throw new ClientAbortException();
				}
				subscriber().onNext(buffer);
			}
			position += n;
		}
	}

	/**
	 * End the body.
	 * @throws IOException when the client went away before the end
	 */
	void complete() throws IOException {
		awaitSubscription();
		synchronized (this) {
			if (this.terminated) {
				throw new ClientAbortException();
			}
			this.terminated = true;
			subscriber().onComplete();
		}
	}

	/**
	 * Abort the body: the server closes the connection, so the client sees a truncated response.
	 */
	void error(Throwable failure) {
		try {
			awaitSubscription();
			signalError(failure);
		}
		catch (IOException ex) {
			// Nobody is listening any more: nothing to abort.
		}
	}

	private synchronized void signalError(Throwable failure) {
		if (!this.terminated) {
			this.terminated = true;
			subscriber().onError(failure);
		}
	}

	private Subscriber<? super DataBuffer> subscriber() {
		Subscriber<? super DataBuffer> current = this.subscriber.get();
		if (current == null) {
			throw new IllegalStateException("Not subscribed");
		}
		return current;
	}

	private void awaitSubscription() throws IOException {
		while (!this.ready) {
			park();
		}
		if (this.cancelled || this.abortCause != null) {
			throw new ClientAbortException();
		}
	}

	private void awaitDemand() throws IOException {
		while (this.demand.get() == 0 || !this.ready) {
			park();
		}
		if (this.cancelled || this.abortCause != null) {
			throw new ClientAbortException();
		}
	}

	private void park() throws IOException {
		if (this.cancelled || this.abortCause != null) {
			throw new ClientAbortException();
		}
		LockSupport.park(this);
		if (Thread.interrupted()) {
			throw new InterruptedIOException("Interrupted while waiting for the client to read the response");
		}
	}

	/**
	 * The client went away or stopped the response: what the application sees from {@code write}.
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
