package io.github.wsgiflux.migration;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;

/**
 * The client's response of a compared request: written through unchanged, its body copied (up to the bound) on the
 * way. The buffers stay the server's to release.
 */
final class TeeServerHttpResponse extends ServerHttpResponseDecorator {

	private final BodyCapture body;

	TeeServerHttpResponse(ServerHttpResponse delegate, int bound) {
		super(delegate);
		this.body = new BodyCapture(bound);
	}

	@Override
	public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
		// A Mono stays a Mono: the server gives a single buffer a Content-Length, as it would without the tee.
		if (body instanceof Mono<? extends DataBuffer> single) {
			return super.writeWith(single.doOnNext(this.body::append));
		}
		return super.writeWith(Flux.from(body).doOnNext(this.body::append));
	}

	@Override
	public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
		return super.writeAndFlushWith(Flux.from(body).map((chunk) -> Flux.from(chunk).doOnNext(this.body::append)));
	}

	/** What the client was answered, once writing ended. */
	CapturedResponse captured() {
		HttpHeaders headers = new HttpHeaders();
		headers.addAll(getHeaders());
		return new CapturedResponse(CapturingServerHttpResponse.status(getStatusCode()), headers, this.body.body());
	}

}
