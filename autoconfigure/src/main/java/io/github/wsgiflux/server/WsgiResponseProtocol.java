package io.github.wsgiflux.server;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.wsgiflux.server.ResponseBodyPublisher.ClientAbortException;
import io.github.wsgiflux.server.ResponseBodyPublisher.ResponseAbortException;
import io.github.wsgiflux.server.WsgiServerResponse.WriteListener;
import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.InvalidResponseException;
import io.github.wsgiflux.spi.StartResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The response side of PEP 3333 for one request: the {@code start_response} and {@code write} callables, the body
 * iterable's chunks, and the choice of how the response goes to WebFlux. Status and headers are published when the
 * first non-empty chunk, the first {@code write} or the end of the body arrives; a body known to hold at most one
 * chunk (a collection) is sent whole with a {@code Content-Length}, any other body is streamed with backpressure. A
 * declared {@code Content-Length} must match what the application produced.
 * <p>
 * Threads: the worker calls the application's side ({@link #start}, {@link #write}, {@link #respond}); the request's
 * lifecycle may {@linkplain #answer answer} in its place from the timer thread or the event loop. Whoever publishes
 * first wins, once: after that the other side's publication fails ({@link ClientAbortException} for the worker).
 */
final class WsgiResponseProtocol implements StartResponse, BodyWriter {

	private static final byte[] EMPTY = new byte[0];

	private final MonoSink<ServerResponse> sink;

	private final DataBufferFactory bufferFactory;

	private final int bufferSize;

	private final boolean headRequest;

	private final WriteListener listener;

	private static final AtomicIntegerFieldUpdater<WsgiResponseProtocol> PUBLISHED = AtomicIntegerFieldUpdater
		.newUpdater(WsgiResponseProtocol.class, "published");

	/** 1 once a response was handed to WebFlux; whoever sets it decides the status. */
	private volatile int published;

	/** Written by the worker, read by the timer and the event loop when they record the outcome. */
	private volatile @Nullable ResponseHead started;

	/** Whether the whole response, body included, was published at once; worker only. */
	private boolean whole;

	/** The body the worker streams to; worker only. */
	private @Nullable ResponseBodyPublisher body;

	private volatile long bytesSent;

	private volatile boolean clientGone;

	private volatile @Nullable ResponseBodyPublisher publishedBody;

	/**
	 * @param listener told how writing the published response ended (the request's lifecycle)
	 */
	WsgiResponseProtocol(MonoSink<ServerResponse> sink, DataBufferFactory bufferFactory, int bufferSize,
			boolean headRequest, WriteListener listener) {
		this.sink = sink;
		this.bufferFactory = bufferFactory;
		this.bufferSize = bufferSize;
		this.headRequest = headRequest;
		this.listener = listener;
	}

	@Override
	public BodyWriter start(String status, List<Header> headers, @Nullable Throwable excInfo) throws Exception {
		if (excInfo != null) {
			if (this.published != 0) {
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

	/**
	 * Send the body iterable the application returned, then end the response.
	 */
	void respond(Iterable<byte[]> result) throws Exception {
		if (this.published == 0 && result instanceof Collection<?> collection && collection.size() <= 1) {
			Iterator<byte[]> iterator = result.iterator();
			byte[] only = iterator.hasNext() ? chunk(iterator.next()) : EMPTY;
			if (this.published == 0) {
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

	/**
	 * Claim the response for the gateway's own answer instead of the application's, from any thread; the caller then
	 * logs why and {@linkplain #sendClaimed sends} it.
	 * @return {@code false} when a response was already published
	 */
	boolean claim() {
		return PUBLISHED.compareAndSet(this, 0, 1);
	}

	/** Send the gateway's answer after a successful {@link #claim()}. */
	void sendClaimed(ServerResponse answer) {
		this.sink.success(answer);
	}

	/**
	 * Publish the gateway's answer unless a response was published.
	 * @return whether this answer is the request's response
	 */
	boolean answer(ServerResponse answer) {
		if (!claim()) {
			return false;
		}
		sendClaimed(answer);
		return true;
	}

	/** Whether a response (the application's or the gateway's) was handed to WebFlux. */
	boolean isPublished() {
		return this.published != 0;
	}

	/**
	 * The client went away (event loop): a published body stops waiting for demand that will never come, and the
	 * worker's next write fails.
	 */
	void clientGone() {
		this.clientGone = true;
		abandonBody();
	}

	boolean isClientGone() {
		return this.clientGone;
	}

	/** A published body nobody subscribed to, or will: release the worker waiting to stream it. */
	void abandonBody() {
		ResponseBodyPublisher current = this.publishedBody;
		if (current != null) {
			current.abandon();
		}
	}

	/**
	 * End a published body with an error from another thread (a timeout, a refused head): the connection is aborted
	 * and the worker's next write fails.
	 */
	void abortBody(String reason) {
		ResponseBodyPublisher current = this.publishedBody;
		if (current != null) {
			current.abort(new ResponseAbortException(reason));
		}
	}

	/** End the body being streamed with the application's failure (worker): the connection is aborted. */
	void failBody(Throwable failure) {
		ResponseBodyPublisher current = this.body;
		if (current != null) {
			current.error(new ResponseAbortException("WSGI response aborted after its headers were sent: " + failure));
		}
	}

	/** The status the application started, or 0. */
	int startedStatus() {
		ResponseHead head = this.started;
		return (head != null) ? head.status.value() : 0;
	}

	/** The status of a response the application ended normally. */
	int status() {
		return requireStarted().status.value();
	}

	long bytesSent() {
		return this.bytesSent;
	}

	private static byte[] chunk(byte @Nullable [] chunk) {
		if (chunk == null) {
			throw new IllegalStateException("The application yielded a null chunk");
		}
		return chunk;
	}

	private void send(byte[] chunk) throws IOException {
		if (this.published == 0) {
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
		if (this.published == 0) {
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
		if (head.contentLength >= 0 && allowsBody && !this.headRequest && head.contentLength != bytes.length) {
			throw new InvalidResponseException("The application declared Content-Length: " + head.contentLength
					+ " but produced " + bytes.length + " bytes");
		}
		long addLength = (head.contentLength < 0 && allowsBody && !(this.headRequest && bytes.length == 0))
				? bytes.length : -1;
		@Nullable Mono<DataBuffer> content = (bytes.length == 0 || this.headRequest) ? null
				: Mono.just(this.bufferFactory.wrap(bytes));
		this.whole = true;
		this.bytesSent = bytes.length;
		publish(new WsgiServerResponse(head.status, head.headers, addLength, content, this.listener), null);
	}

	private void commitStreaming() throws IOException {
		ResponseHead head = requireStarted();
		ResponseBodyPublisher publisher = (this.headRequest || !head.allowsBody()) ? null
				: new ResponseBodyPublisher(this.bufferFactory, this.bufferSize, Thread.currentThread());
		this.body = publisher;
		publish(new WsgiServerResponse(head.status, head.headers, -1, publisher, this.listener), publisher);
	}

	/**
	 * Hand the application's response to WebFlux, unless the gateway already answered the request.
	 */
	private void publish(ServerResponse response, @Nullable ResponseBodyPublisher publisher) throws IOException {
		if (!PUBLISHED.compareAndSet(this, 0, 1)) {
			throw new ClientAbortException();
		}
		this.publishedBody = publisher;
		this.sink.success(response);
		if (this.clientGone && publisher != null) {
			publisher.abandon();
		}
	}

	private ResponseHead requireStarted() {
		ResponseHead head = this.started;
		if (head == null) {
			throw new IllegalStateException("The application produced a body without calling start_response");
		}
		return head;
	}

}
