package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The request body as a blocking stream for the worker thread, subscribed to the connection on first read: at most
 * {@value #PREFETCH} buffers are requested ahead, so a large upload is paced by how fast the application reads, and
 * an application that never reads the body never subscribes to it.
 * <p>
 * Why not Spring's {@code DataBufferUtils.subscriberInputStream}: it wakes the reader for every buffer the connection
 * delivers, though a {@code read(b, off, len)} returns only once {@code len} bytes are there. Reactor Netty delivers a
 * chunked upload in buffers of about 8 KiB, so a 64 KiB read woke its thread eight times, and a 1 GiB upload ran at
 * 0.6 of a native handler's speed (issue 16). Here the connection wakes the reader only when the bytes it waits for
 * are queued, when nothing more will come before it asks (all the requested buffers arrived), or at the end. The
 * stream also covers what that class left to its callers: a release before the connection's subscription arrived, a
 * release from another thread while the reader is inside a read (both free every buffer), and an interrupted reader
 * (an {@link InterruptedIOException} instead of a spin).
 * <p>
 * A buffer the reader is done with is freed by the connection's next signal, on the event loop, not by the reader.
 * Below 512 MiB of heap Netty's allocator does not pool a socket read of more than 16 KiB, and on JDK 25 freeing such
 * a buffer stops every thread of the JVM for a handshake: the thread that frees waits for it. A native handler pays
 * that on the event loop; paid by the worker, it cost the worker about 0.25 s of CPU per GiB uploaded (issue 16).
 * Retired buffers left when the body ends are freed by {@link #finish()}.
 * <p>
 * Threads: the connection's signals arrive one at a time (the event loop); reads come from one thread (the worker);
 * {@link #release()} from any thread (a timeout, the client going away). Each buffer is taken from the queue by
 * exactly one thread, which releases it.
 * <p>
 * Longer than this package's other classes on purpose: one concurrent protocol (demand, wake-ups, release) whose
 * invariants must be read together.
 */
final class RequestBodyStream extends InputStream {

	/**
	 * Buffers requested ahead from the connection. Reactor Netty cuts HTTP/1.1 content in buffers of at most 8 KiB
	 * by default, and HTTP/2 comes in frames of at most 16 KiB: a request holds at most 1 MiB or 2 MiB. Sixteen
	 * (Spring's default) kept a 1 GiB upload at 0.7 of a native handler's speed: the reader waited for its next batch.
	 * Against 64, 128 took a 1 GiB upload from 0.87 to 0.94 of native speed (medians of six pairs, 64 MiB heap): the
	 * connection stopped reading less often for want of demand.
	 */
	static final int PREFETCH = 128;

	/** Buffers read before asking for as many again: three quarters of {@link #PREFETCH}, as Reactor's operators. */
	static final int REPLENISH = PREFETCH - (PREFETCH >> 2);

	/** The connection's body, asked for on the first read: most requests are never read (GET). */
	private final Supplier<? extends Publisher<DataBuffer>> body;

	/** Created on the first read, by the worker; read by {@link #release()} on any thread. */
	private volatile @Nullable Connection connection;

	/** The worker, while it waits for {@link #wanted} bytes; written by the worker, read by the other threads. */
	private volatile @Nullable Thread waiter;

	private volatile long wanted;

	/** Buffers requested from the connection so far; written by the worker (and once before subscribing). */
	private volatile long requested;

	/** Worker only: the buffer being read, taken from the queue. */
	private @Nullable DataBuffer current;

	/** Worker only: buffers taken since the last request. */
	private int taken;

	/** Written before {@link #done}. */
	private @Nullable Throwable error;

	private volatile boolean done;

	private volatile boolean released;

	/** Set when the body failed because the client went away (read by the worker's lifecycle after the read). */
	private volatile boolean clientGone;

	RequestBodyStream(Supplier<? extends Publisher<DataBuffer>> body) {
		this.body = body;
	}

	@Override
	public int read() throws IOException {
		DataBuffer buffer = next(1);
		return (buffer != null) ? buffer.read() & 0xFF : -1;
	}

	/**
	 * Fill {@code b} from {@code off} with {@code len} bytes, or fewer at the end of the body: as a socket file's
	 * {@code read(n)} under gunicorn.
	 */
	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		int copied = 0;
		while (copied < len) {
			DataBuffer buffer;
			try {
				buffer = next(len - copied);
			}
			catch (IOException | RuntimeException ex) {
				if (copied > 0) {
					// The bytes already read are the caller's; the failure stays for the next read.
					return copied;
				}
				throw ex;
			}
			if (buffer == null) {
				return (copied > 0) ? copied : -1;
			}
			int n = Math.min(len - copied, buffer.readableByteCount());
			buffer.read(b, off + copied, n);
			copied += n;
		}
		return copied;
	}

	@Override
	public int available() {
		DataBuffer buffer = this.current;
		Connection subscribed = this.connection;
		long queued = ((subscribed != null) ? subscribed.queuedBytes.get() : 0)
				+ ((buffer != null) ? buffer.readableByteCount() : 0);
		return (int) Math.min(queued, Integer.MAX_VALUE);
	}

	/**
	 * Release the body: stops the connection's buffers from reaching the stream and frees the queued ones. Safe from
	 * any thread; a reader waiting for the body sees its end. The buffer the worker is reading is freed on its next
	 * read, or by {@link #finish()}.
	 */
	void release() {
		if (this.released) {
			return;
		}
		this.released = true;
		Thread thread = this.waiter;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
		Connection subscribed = this.connection;
		if (subscribed != null) {
			subscribed.cancel();
			subscribed.drain();
		}
	}

	/**
	 * Release the body on the worker thread once the application returned, and free the buffer it was reading.
	 */
	void finish() {
		release();
		DataBuffer buffer = this.current;
		this.current = null;
		DataBufferUtils.release(buffer);
		Connection subscribed = this.connection;
		if (subscribed != null) {
			subscribed.drain();
		}
	}

	@Override
	public void close() {
		release();
	}

	/**
	 * Whether a read failed because the client closed the connection before the body ended: however the
	 * application handled the {@link ClientDisconnectedException}, the request ended with its client.
	 */
	boolean isClientGone() {
		return this.clientGone;
	}

	/**
	 * The buffer to read from, waiting until {@code need} bytes are queued, the end of the body, or nothing more is
	 * requested; {@code null} at the end.
	 */
	private @Nullable DataBuffer next(int need) throws IOException {
		DataBuffer buffer = this.current;
		if (buffer != null) {
			if (buffer.readableByteCount() > 0 && !this.released) {
				return buffer;
			}
			this.current = null;
			Connection subscribed = this.connection;
			if (subscribed != null && !this.released && !this.done) {
				// Freed by the connection's next signal, on its thread: see the class description.
				subscribed.retire(buffer);
			}
			else {
				DataBufferUtils.release(buffer);
			}
		}
		if (this.released) {
			return null;
		}
		Connection subscribed = this.connection;
		if (subscribed == null) {
			subscribed = new Connection();
			this.requested = PREFETCH;
			this.connection = subscribed;
			this.body.get().subscribe(subscribed);
		}
		for (;;) {
			buffer = subscribed.poll();
			if (buffer != null) {
				taken(subscribed);
				if (this.released) {
					// A release on another thread drained the queue around this poll: this one is ours to free.
					DataBufferUtils.release(buffer);
					return null;
				}
				this.current = buffer;
				return buffer;
			}
			if (this.released) {
				return null;
			}
			if (this.done) {
				if (!subscribed.queue.isEmpty()) {
					continue;
				}
				Throwable failure = this.error;
				if (failure == null) {
					return null;
				}
				if (DisconnectedClientHelper.isClientDisconnectedException(failure)) {
					// An I/O error, as a socket file's read under gunicorn, and the request's end is the client's.
					this.clientGone = true;
					throw new ClientDisconnectedException(failure);
				}
				throw bodyFailed(failure);
			}
			await(subscribed, need);
		}
	}

	private void taken(Connection subscribed) {
		if (++this.taken == REPLENISH) {
			this.taken = 0;
			this.requested += REPLENISH;
			subscribed.request(REPLENISH);
		}
	}

	/**
	 * Park the worker until {@link Connection#ready()}: published first, then checked, so that no wake-up is lost.
	 */
	private void await(Connection subscribed, int need) throws InterruptedIOException {
		Thread thread = Thread.currentThread();
		this.wanted = need;
		this.waiter = thread;
		try {
			while (!subscribed.ready() && !this.done && !this.released) {
				if (thread.isInterrupted()) {
					// The interrupt stays set for the application: as a blocking channel read.
					throw new InterruptedIOException("Interrupted while waiting for the request body");
				}
				LockSupport.park(this);
			}
		}
		finally {
			this.waiter = null;
		}
	}

	private static IOException bodyFailed(Throwable failure) {
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		return (failure instanceof IOException io) ? io : new IOException("The request body failed", failure);
	}

	/**
	 * A read failed because the client closed the connection before the request body ended (Spring's
	 * {@link DisconnectedClientHelper} recognizes the connection's failure).
	 */
	static final class ClientDisconnectedException extends IOException {

		private static final long serialVersionUID = 1L;

		ClientDisconnectedException(Throwable cause) {
			super("The client closed the connection before the request body ended", cause);
		}

	}

	/**
	 * The subscriber given to the connection: queues the buffers and wakes the reader when it has what it waits for.
	 * Its signals come one at a time.
	 */
	private final class Connection implements Subscriber<DataBuffer> {

		private final Queue<DataBuffer> queue = new ConcurrentLinkedQueue<>();

		/** Buffers the reader is done with, released by the connection's next signal (or the last drain). */
		private final Queue<DataBuffer> retired = new ConcurrentLinkedQueue<>();

		/** Bytes in {@link #queue}. */
		private final AtomicLong queuedBytes = new AtomicLong();

		/** Buffers in {@link #queue}. */
		private final AtomicInteger queuedBuffers = new AtomicInteger();

		private volatile @Nullable Subscription upstream;

		/** Buffers delivered so far; written only by the signals. */
		private volatile long delivered;

		@Override
		public void onSubscribe(Subscription subscription) {
			if (this.upstream != null) {
				subscription.cancel();
				return;
			}
			this.upstream = subscription;
			if (RequestBodyStream.this.released) {
				subscription.cancel();
				return;
			}
			subscription.request(PREFETCH);
			if (RequestBodyStream.this.released) {
				// Released while subscribing: the release may have seen no subscription to cancel.
				subscription.cancel();
			}
		}

		@Override
		public void onNext(DataBuffer buffer) {
			releaseRetired();
			RequestBodyStream stream = RequestBodyStream.this;
			if (stream.released || stream.done) {
				DataBufferUtils.release(buffer);
				return;
			}
			this.queue.offer(buffer);
			this.queuedBytes.addAndGet(buffer.readableByteCount());
			this.queuedBuffers.incrementAndGet();
			this.delivered++;
			if (stream.released) {
				// Released while queueing: the release's drain may have run before the offer.
				drain();
				return;
			}
			Thread thread = stream.waiter;
			if (thread != null && ready()) {
				LockSupport.unpark(thread);
			}
		}

		@Override
		public void onError(Throwable failure) {
			RequestBodyStream.this.error = failure;
			terminate();
		}

		@Override
		public void onComplete() {
			terminate();
		}

		private void terminate() {
			releaseRetired();
			RequestBodyStream stream = RequestBodyStream.this;
			stream.done = true;
			Thread thread = stream.waiter;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
			if (stream.released) {
				drain();
			}
		}

		/**
		 * Whether the waiting reader has what it waits for: the bytes it wants, or every buffer it requested
		 * (nothing more comes before it asks for more).
		 */
		boolean ready() {
			return this.queuedBuffers.get() > 0 && (this.queuedBytes.get() >= RequestBodyStream.this.wanted
					|| this.delivered == RequestBodyStream.this.requested);
		}

		/** Take the next queued buffer, or {@code null}; the taker releases it. */
		@Nullable DataBuffer poll() {
			DataBuffer buffer = this.queue.poll();
			if (buffer != null) {
				this.queuedBuffers.decrementAndGet();
				this.queuedBytes.addAndGet(-buffer.readableByteCount());
			}
			return buffer;
		}

		void drain() {
			DataBuffer buffer;
			while ((buffer = poll()) != null) {
				DataBufferUtils.release(buffer);
			}
			releaseRetired();
		}

		void retire(DataBuffer buffer) {
			this.retired.offer(buffer);
		}

		private void releaseRetired() {
			DataBuffer buffer;
			while ((buffer = this.retired.poll()) != null) {
				DataBufferUtils.release(buffer);
			}
		}

		void request(long n) {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.request(n);
			}
		}

		void cancel() {
			Subscription subscription = this.upstream;
			if (subscription != null) {
				subscription.cancel();
			}
		}

	}

}
