package io.github.wsgiflux.server;

import java.io.IOException;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.github.wsgiflux.server.ResponseBodyPublisher.ClientAbortException;
import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

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
 */
final class WsgiCall implements Runnable, StartResponse, BodyWriter {

	private static final Log logger = LogFactory.getLog(WsgiCall.class);

	private static final byte[] EMPTY = new byte[0];

	private final WsgiHandlerFunction handler;

	private final Map<String, Object> environ;

	private final String method;

	private final String path;

	private final RequestBodyStream input;

	private final WsgiErrorsWriter errors;

	private final DataBufferFactory bufferFactory;

	private final MonoSink<ServerResponse> sink;

	private @Nullable ResponseHead started;

	private boolean committed;

	/** Whether the whole response, body included, was published at once. */
	private boolean whole;

	private @Nullable ResponseBodyPublisher body;

	private long bytesSent;

	private volatile boolean cancelled;

	private volatile @Nullable ResponseBodyPublisher publishedBody;

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

	@Override
	public void run() {
		Iterable<byte[]> result = null;
		try {
			result = this.handler.getMount().getApplication().call(this.environ, this);
			if (result == null) {
				throw new IllegalStateException("The application returned null instead of a body iterable");
			}
			respond(result);
		}
		catch (Throwable ex) {
			fail(ex);
		}
		finally {
			close(result);
			this.input.release();
			this.errors.flush();
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
	}

	@Override
	public BodyWriter start(String status, List<Header> headers, @Nullable Throwable excInfo) throws Exception {
		if (excInfo != null) {
			if (this.committed) {
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
		if (!this.committed && result instanceof Collection<?> collection && collection.size() <= 1) {
			Iterator<byte[]> iterator = result.iterator();
			byte[] only = iterator.hasNext() ? chunk(iterator.next()) : EMPTY;
			if (!this.committed) {
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
		if (!this.committed) {
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
		if (!this.committed) {
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

	private void commitWhole(byte[] bytes) {
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
		publish(new WsgiServerResponse(head.status, head.headers, addLength, content, null), null);
	}

	private void commitStreaming() {
		ResponseHead head = requireStarted();
		ResponseBodyPublisher publisher = (isHead() || !head.allowsBody()) ? null
				: new ResponseBodyPublisher(this.bufferFactory, this.handler.getBufferSize(), Thread.currentThread());
		this.body = publisher;
		publish(new WsgiServerResponse(head.status, head.headers, -1, publisher,
				(publisher != null) ? publisher::abandon : null), publisher);
	}

	private void publish(ServerResponse response, @Nullable ResponseBodyPublisher publisher) {
		this.committed = true;
		this.publishedBody = publisher;
		this.sink.success(response);
		if (this.cancelled && publisher != null) {
			publisher.abandon();
		}
	}

	private void fail(Throwable ex) {
		if (ex instanceof ClientAbortException) {
			if (logger.isDebugEnabled()) {
				logger.debug("Client went away during " + describe());
			}
			return;
		}
		if (!this.committed) {
			if (this.cancelled) {
				logger.debug("WSGI application failed on " + describe() + " after the client went away", ex);
				return;
			}
			if (ex instanceof InvalidResponseException) {
				logger.error("Invalid WSGI response on " + describe() + ": " + ex.getMessage());
			}
			else {
				logger.error("WSGI application failed on " + describe(), ex);
			}
			this.body = null;
			publish(this.handler.internalServerError(), null);
			return;
		}
		ResponseBodyPublisher current = this.body;
		if (ex instanceof InvalidResponseException) {
			logger.error("Invalid WSGI response on " + describe() + ", aborting the connection: " + ex.getMessage());
		}
		else {
			logger.error("WSGI application failed on " + describe() + " after the response started; aborting the "
					+ "connection", ex);
		}
		if (current != null) {
			current.error(ex);
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

}
