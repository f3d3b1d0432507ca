package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InputStream;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * The request body as a blocking stream, subscribed on first read (on the worker thread) through
 * {@link DataBufferUtils#subscriberInputStream}: at most {@value #PREFETCH} buffers are held, so a large upload is
 * paced by how fast the application reads. An application that never reads the body never subscribes to it.
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
	 * Release the body: cancels the subscription and frees held buffers. Safe from any thread; a blocked reader
	 * sees the end of the stream.
	 */
	void release() {
		this.released = true;
		InputStream current = this.delegate;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException ex) {
				// SubscriberInputStream does not throw on close.
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
			current = DataBufferUtils.subscriberInputStream(this.body, PREFETCH);
			this.delegate = current;
			if (this.released) {
				// release() ran between the check above and the write: it may not have seen this stream.
				current.close();
				throw new IOException("The request has ended");
			}
		}
		return current;
	}

}
