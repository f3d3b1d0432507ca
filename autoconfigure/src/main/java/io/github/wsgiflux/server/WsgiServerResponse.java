package io.github.wsgiflux.server;

import java.util.List;

import io.github.wsgiflux.spi.Header;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link ServerResponse} of a WSGI request: the status and headers the application started, and its body. The
 * headers are copied straight into the HTTP response when it is written; no intermediate map is built unless a
 * filter asks for {@link #headers()}.
 * <p>
 * Writing tells the request's {@link WriteListener} how it ended, whatever happens on the way to the socket: if the
 * HTTP layer refuses the head, the listener supplies the gateway's own answer instead (and releases the worker that
 * waits to stream the body); when writing ends, with or without the body ever subscribed, the listener hears it.
 */
final class WsgiServerResponse implements ServerResponse {

	private static final MultiValueMap<String, ResponseCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final HttpStatusCode status;

	private final List<Header> headers;

	private final long contentLength;

	private final @Nullable Publisher<? extends DataBuffer> body;

	private final @Nullable WriteListener listener;

	private final byte @Nullable [] fixedBody;

	private @Nullable HttpHeaders httpHeaders;

	/**
	 * @param contentLength a {@code Content-Length} to add, or -1
	 * @param body the body, or {@code null} for none
	 * @param listener told how writing ended
	 */
	WsgiServerResponse(HttpStatusCode status, List<Header> headers, long contentLength,
			@Nullable Publisher<? extends DataBuffer> body, WriteListener listener) {
		this.status = status;
		this.headers = headers;
		this.contentLength = contentLength;
		this.body = body;
		this.listener = listener;
		this.fixedBody = null;
	}

	/**
	 * A response of the server itself (400, 500, 503), reusable across requests.
	 */
	WsgiServerResponse(HttpStatusCode status, List<Header> headers, byte[] fixedBody) {
		this.status = status;
		this.headers = headers;
		this.contentLength = fixedBody.length;
		this.body = null;
		this.listener = null;
		this.fixedBody = fixedBody;
	}

	@Override
	public HttpStatusCode statusCode() {
		return this.status;
	}

	@Override
	public HttpHeaders headers() {
		if (this.fixedBody != null) {
			// Shared across requests: never let a filter change it.
			HttpHeaders copy = new HttpHeaders();
			copyHeaders(copy);
			return HttpHeaders.readOnlyHttpHeaders(copy);
		}
		HttpHeaders result = this.httpHeaders;
		if (result == null) {
			result = new HttpHeaders();
			copyHeaders(result);
			this.httpHeaders = result;
		}
		return result;
	}

	@Override
	public MultiValueMap<String, ResponseCookie> cookies() {
		return NO_COOKIES;
	}

	@Override
	public Mono<Void> writeTo(ServerWebExchange exchange, Context context) {
		ServerHttpResponse response = exchange.getResponse();
		WriteListener listener = this.listener;
		try {
			response.setStatusCode(this.status);
			HttpHeaders target = response.getHeaders();
			if (this.httpHeaders != null) {
				// A filter may have changed them.
				target.addAll(this.httpHeaders);
			}
			else {
				copyHeaders(target);
			}
		}
		catch (RuntimeException ex) {
			if (listener == null) {
				throw ex;
			}
			// Nothing was sent yet: drop what was copied and answer with the gateway's own response.
			response.getHeaders().clear();
			ServerResponse replacement = listener.headRefused(ex);
			return replacement.writeTo(exchange, context).doFinally((signal) -> listener.writeEnded());
		}
		if (this.fixedBody != null) {
			return response.writeWith(Mono.just(response.bufferFactory().wrap(this.fixedBody)));
		}
		Mono<Void> write = (this.body != null) ? response.writeWith(this.body) : response.setComplete();
		return (listener != null) ? write.doFinally((signal) -> listener.writeEnded()) : write;
	}

	private void copyHeaders(HttpHeaders target) {
		for (Header header : this.headers) {
			target.add(header.name(), header.value());
		}
		if (this.contentLength >= 0) {
			target.setContentLength(this.contentLength);
		}
	}

	/**
	 * What a WSGI request learns of the write of its response.
	 */
	interface WriteListener {

		/**
		 * The HTTP layer refused the status or headers before anything was sent.
		 * @param ex why
		 * @return the response to send instead
		 */
		ServerResponse headRefused(RuntimeException ex);

		/**
		 * Writing ended, successfully or not, whether or not the body was ever subscribed.
		 */
		void writeEnded();

	}

}
