package io.github.wsgiflux.migration;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;

/**
 * The in-memory response of the shadow side: nothing reaches the network; the body is copied up to the bound and
 * every buffer is released as it arrives.
 */
final class CapturingServerHttpResponse extends AbstractServerHttpResponse {

	private final BodyCapture body;

	CapturingServerHttpResponse(DataBufferFactory bufferFactory, int bound) {
		super(bufferFactory);
		this.body = new BodyCapture(bound);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getNativeResponse() {
		return (T) this;
	}

	@Override
	protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
		return Flux.from(body).doOnNext(this::take).then();
	}

	@Override
	protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return Flux.from(body).concatMap((chunk) -> Flux.from(chunk).doOnNext(this::take)).then();
	}

	private void take(DataBuffer buffer) {
		try {
			this.body.append(buffer);
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

	@Override
	protected void applyStatusCode() {
	}

	@Override
	protected void applyHeaders() {
	}

	@Override
	protected void applyCookies() {
	}

	/** What was answered, once writing ended. */
	CapturedResponse captured() {
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(getHeaders());
		return new CapturedResponse(status(getStatusCode()), headers, this.body.body());
	}

	static int status(@Nullable HttpStatusCode status) {
		return (status != null) ? status.value() : 200;
	}

}
