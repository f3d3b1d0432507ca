package io.github.wsgiflux.migration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.wsgiflux.server.WsgiHandlerFunction;
import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;

/**
 * The copy of a compared exchange that the shadow side handles: the same request with a replayed (or empty) body, a
 * capturing response, and attributes of its own (a copy of those the filters set, and
 * {@link WsgiHandlerFunction#SHADOW_ATTRIBUTE}: the routes report leaves the shadow run out), so that what the shadow's handler
 * mapping records (the best matching pattern, the URI variables) never reaches the client's exchange.
 */
final class ShadowExchange extends ServerWebExchangeDecorator {

	private final ServerHttpRequest request;

	private final CapturingServerHttpResponse response;

	private final Map<String, Object> attributes;

	ShadowExchange(ServerWebExchange exchange, Flux<DataBuffer> body, CapturingServerHttpResponse response,
			Map<String, Object> attributes) {
		super(exchange);
		this.request = new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public Flux<DataBuffer> getBody() {
				return body;
			}

		};
		this.response = response;
		this.attributes = new ConcurrentHashMap<>(attributes);
		// No traffic of its own: the legacy side's route table leaves it out.
		this.attributes.put(WsgiHandlerFunction.SHADOW_ATTRIBUTE, Boolean.TRUE);
	}

	@Override
	public ServerHttpRequest getRequest() {
		return this.request;
	}

	@Override
	public ServerHttpResponse getResponse() {
		return this.response;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	CapturingServerHttpResponse capturingResponse() {
		return this.response;
	}

}
