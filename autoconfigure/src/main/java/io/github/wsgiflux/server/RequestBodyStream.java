package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The request body as a blocking stream, subscribed on first read (on the worker thread) through
 * {@link DataBufferUtils#subscriberInputStream}: at most {@value #PREFETCH} buffers are held, so a large upload is
 * paced by how fast the application reads. An application that never reads the body never subscribes to it.
 * <p>
 * Releasing the body (the request ended, or timed out on another thread) must free every buffer whatever the
 * reader is doing. Spring's {@code SubscriberInputStream} frees them when it is closed on the reading thread, but
 * not in two cases this class covers: a close before the connection's subscription arrived (the subscription is
 * asynchronous; the close fails and the buffers delivered afterwards stay queued), and a close from another thread
 * while the reader is inside a read (it only marks the stream closed). So the body passes through a cut-off
 * between the connection and the stream: once released, a subscription arriving late is cancelled and every buffer
 * still arriving is freed; and the worker, once the application returned, {@linkplain #finish() finishes} the stream
 * on its own thread.
 */
final class RequestBodyStream extends InputStream {

	/** Buffers requested ahead from the connection. */
	static final int PREFETCH = 16;

	private final Publisher<DataBuffer> body;

	/** Written by the worker on first read, read by {@link #release()} on any thread (a timeout). */
	private volatile @Nullable InputStream delegate;

	private volatile boolean released;

	RequestBodyStream(Publisher<DataBuffer> body) {
		this.body = body;
	}

	@Override
	public int read() throws IOException {
		return delegate().read();
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (len == 0) {
			return 0;
		}
		return delegate().read(b, off, len);
	}

	/**
	 * Release the body: stops the connection's buffers from reaching the stream, closes it and frees the buffers it
	 * holds. Safe from any thread; a blocked reader sees the end of the stream.
	 */
	void release() {
		this.released = true;
		InputStream current = this.delegate;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException | RuntimeException ex) {
				// Closed before subscribed (an IllegalStateException of SubscriberInputStream): the cut-off cancels the
				// subscription when it arrives.
			}
		}
	}

	/**
	 * Release the body on the worker thread once the application returned: whatever another thread's
	 * {@link #release()} left undone is done here. A read after the close makes {@code SubscriberInputStream} cancel
	 * and free what it holds on this, its reading thread.
	 */
	void finish() {
		release();
		InputStream current = this.delegate;
		if (current != null) {
			try {
				current.read(new byte[1], 0, 1);
			}
			catch (IOException | RuntimeException ex) {
				// Closed: the read only cleans up.
			}
		}
	}

	@Override
	public void close() {
		release();
	}

	private InputStream delegate() throws IOException {
		InputStream current = this.delegate;
		if (current == null) {
			if (this.released) {
				throw new IOException("The request has ended");
			}
			current = DataBufferUtils.subscriberInputStream((subscriber) -> this.body.subscribe(new CutOff(subscriber)),
					PREFETCH);
			this.delegate = current;
			if (this.released) {
				// release() ran between the check above and the write: it may not have seen this stream.
				try {
					current.close();
				}
				catch (RuntimeException ex) {
					// Not subscribed yet: the cut-off cancels the subscription when it arrives.
				}
				throw new IOException("The request has ended");
			}
		}
		return current;
	}

	/**
	 * Between the connection and the stream: after {@link #release()}, cancels a subscription that arrives late and
	 * frees the buffers that still arrive, so that none waits in a stream nobody reads. Signals come from the
	 * connection's event loop, one at a time.
	 */
	private final class CutOff implements Subscriber<DataBuffer>, Subscription {

		private final Subscriber<? super DataBuffer> actual;

		private volatile @Nullable Subscription upstream;

		CutOff(Subscriber<? super DataBuffer> actual) {
			this.actual = actual;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			if (RequestBodyStream.this.released) {
				subscription.cancel();
			}
			this.actual.onSubscribe(this);
		}

		@Override
		public void onNext(DataBuffer buffer) {
			if (RequestBodyStream.this.released) {
				DataBufferUtils.release(buffer);
				return;
			}
			this.actual.onNext(buffer);
		}

		@Override
		public void onError(Throwable failure) {
			this.actual.onError(failure);
		}

		@Override
		public void onComplete() {
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		@Override
		public void cancel() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

}
