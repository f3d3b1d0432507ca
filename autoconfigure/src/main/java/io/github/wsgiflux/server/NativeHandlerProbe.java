package io.github.wsgiflux.server;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;

/**
 * Which native handler mapping would take a request now: the mappings consulted before the WSGI mapping are asked
 * for a handler of a made-up request (the method and path, no headers, no body), as the {@code DispatcherHandler}
 * would. A mapping that signals an error (a controller that matches the path but not the method: 405) takes the
 * request too. Nothing is handled, only resolved; for the routes report, never for live traffic.
 */
public final class NativeHandlerProbe {

	private final List<Map.Entry<String, HandlerMapping>> mappings;

	private final String contextPath;

	private final ServerCodecConfigurer codecs = ServerCodecConfigurer.create();

	private NativeHandlerProbe(List<Map.Entry<String, HandlerMapping>> mappings, String contextPath) {
		this.mappings = mappings;
		this.contextPath = contextPath;
	}

	/**
	 * A probe over the mappings consulted before the WSGI mapping, leaving out the WSGI mapping and the legacy-paths
	 * mapping.
	 * @param mappings the handler mapping beans, by bean name
	 * @param wsgi the WSGI mapping
	 * @param contextPath the application's context path, empty for none
	 * @return the probe
	 */
	public static NativeHandlerProbe of(Map<String, HandlerMapping> mappings, WsgiHandlerMapping wsgi,
			String contextPath) {
		List<Map.Entry<String, HandlerMapping>> before = new ArrayList<>();
		for (Map.Entry<String, HandlerMapping> entry : mappings.entrySet()) {
			HandlerMapping mapping = entry.getValue();
			if (mapping != wsgi && !(mapping instanceof WsgiHandlerMapping)
					&& !(mapping instanceof LegacyPathsHandlerMapping) && order(mapping) < wsgi.getOrder()) {
				before.add(Map.entry(entry.getKey(), mapping));
			}
		}
		before.sort(Comparator.comparingInt((entry) -> order(entry.getValue())));
		return new NativeHandlerProbe(List.copyOf(before), contextPath);
	}

	/**
	 * The native mapping that would take a request.
	 * @param method the HTTP method
	 * @param rawPath the raw request path, context path included
	 * @return the bean name of the first mapping that takes it, or empty when none does
	 */
	public Mono<Optional<String>> resolve(String method, String rawPath) {
		ServerWebExchange exchange;
		try {
			exchange = exchange(method, rawPath);
		}
		catch (IllegalArgumentException ex) {
			// Not a path a native handler could be resolved for (it reached the WSGI application as received).
			return Mono.just(Optional.empty());
		}
		return Flux.fromIterable(this.mappings)
			.concatMap((entry) -> entry.getValue()
				.getHandler(exchange)
				.map((handler) -> entry.getKey())
				.onErrorResume((ex) -> Mono.just(entry.getKey())))
			.next()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty());
	}

	private ServerWebExchange exchange(String method, String rawPath) {
		URI uri = URI.create("http://localhost" + rawPath);
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.HOST, "localhost");
		ProbeRequest request = new ProbeRequest(HttpMethod.valueOf(method), uri,
				this.contextPath.isEmpty() ? null : this.contextPath, headers);
		return new DefaultServerWebExchange(request, new ProbeResponse(), new DefaultWebSessionManager(), this.codecs,
				new AcceptHeaderLocaleContextResolver());
	}

	private static int order(HandlerMapping mapping) {
		return (mapping instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

	private static final class ProbeRequest extends AbstractServerHttpRequest {

		ProbeRequest(HttpMethod method, URI uri, @Nullable String contextPath, HttpHeaders headers) {
			super(method, uri, contextPath, headers);
		}

		@Override
		protected MultiValueMap<String, HttpCookie> initCookies() {
			return new LinkedMultiValueMap<>();
		}

		@Override
		protected @Nullable SslInfo initSslInfo() {
			return null;
		}

		@Override
		public <T> T getNativeRequest() {
			throw new IllegalStateException("A probe request has no native request");
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.empty();
		}

	}

	private static final class ProbeResponse extends AbstractServerHttpResponse {

		ProbeResponse() {
			super(DefaultDataBufferFactory.sharedInstance);
		}

		@Override
		public <T> T getNativeResponse() {
			throw new IllegalStateException("A probe response has no native response");
		}

		@Override
		protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
			return Mono.empty();
		}

		@Override
		protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return Mono.empty();
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

	}

}
