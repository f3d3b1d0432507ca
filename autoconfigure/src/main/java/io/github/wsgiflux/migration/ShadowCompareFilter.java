package io.github.wsgiflux.migration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.LegacyPathsHandlerMapping;
import io.github.wsgiflux.server.WsgiHandlerFunction;
import io.github.wsgiflux.server.WsgiHandlerMapping;
import io.github.wsgiflux.server.WsgiWorkersBusyException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.HandlerAdapter;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.HandlerResultHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Shadow comparison of compared routes, the last filter before the {@code DispatcherHandler}. A request that no
 * {@link CompareRule} matches passes through after one loop over the rules; only installed when there are rules.
 * <p>
 * For a matching request, the rule's served side answers: {@code native} through the normal dispatch,
 * {@code legacy} through the WSGI mapping alone (even where a native handler exists). For a sampled one, the client's
 * response is teed (status, headers, body up to the bound), and once it completed, the other side runs on a
 * {@link ShadowExchange} whose response is captured in memory: it never delays nor fails the client's answer. A
 * legacy shadow runs only on an idle WSGI worker ({@link WsgiHandlerFunction#onIdleWorkersOnly()}), otherwise it is
 * skipped and counted, never queued nor answered 503. Comparing (JSON parsing included) runs on Reactor's parallel
 * scheduler, never on an event loop nor a WSGI worker. A request body (methods other than {@code GET} and {@code HEAD}
 * must be configured for that) is buffered up to the bound and replayed to both sides; a larger or chunked one is
 * served without comparison and counted as skipped.
 */
public final class ShadowCompareFilter implements WebFilter, Ordered, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ShadowCompareFilter.class);

	private final CompareRule[] rules;

	private final MigrationComparisons comparisons;

	private final ApplicationContext context;

	private final Duration timeout;

	private final Scheduler comparing = Schedulers.parallel();

	private volatile @Nullable Dispatchers dispatchers;

	private final @Nullable LegacyPaths legacyPaths;

	/**
	 * Create a filter.
	 * @param comparisons the rules, and where the results go
	 * @param context the context whose handler mappings, adapters and result handlers dispatch each side
	 * @param timeout how long the shadow side may take before its comparison counts as an error
	 */
	public ShadowCompareFilter(MigrationComparisons comparisons, ApplicationContext context, Duration timeout) {
		this(comparisons, context, timeout, null);
	}

	/**
	 * Create a filter aware of the rollback switch: a route with {@code serve: native} that
	 * {@code wsgi.routing.legacy-paths} sends back to the legacy application is served by legacy, so its native
	 * handler runs as the shadow (instead of the legacy application twice).
	 * @param comparisons the rules, and where the results go
	 * @param context the context whose handler mappings, adapters and result handlers dispatch each side
	 * @param timeout how long the shadow side may take before its comparison counts as an error
	 * @param legacyPaths the rollback switch, or {@code null}
	 */
	public ShadowCompareFilter(MigrationComparisons comparisons, ApplicationContext context, Duration timeout,
			@Nullable LegacyPaths legacyPaths) {
		this.legacyPaths = legacyPaths;
		this.rules = comparisons.getRules().toArray(new CompareRule[0]);
		this.comparisons = comparisons;
		this.context = context;
		this.timeout = timeout;
	}

	/** Last of the filters: security, tracing and the others have run for the client's request. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/** Resolve both sides' mappings once every bean exists, never on an event loop. */
	@Override
	public void afterSingletonsInstantiated() {
		dispatchers();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		CompareRule rule = match(exchange.getRequest());
		if (rule == null) {
			return chain.filter(exchange);
		}
		if (!rule.sample()) {
			return serve(rule, exchange, chain);
		}
		ServerHttpRequest request = exchange.getRequest();
		HttpHeaders headers = request.getHeaders();
		if (headers.getContentLength() <= 0 && !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
			return compare(rule, servedSide(rule, exchange), exchange, chain, null);
		}
		long length = headers.getContentLength();
		if (length < 0 || length > rule.getMaxBodySize()) {
			this.comparisons.skipped(rule);
			return serve(rule, exchange, chain);
		}
		return DataBufferUtils.join(request.getBody()).map((joined) -> {
			try {
				byte[] bytes = new byte[joined.readableByteCount()];
				joined.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(joined);
			}
		}).defaultIfEmpty(new byte[0]).flatMap((bytes) -> {
			ServerWebExchange replayed = exchange.mutate().request(replaying(request, bytes)).build();
			return compare(rule, servedSide(rule, replayed), replayed, chain, bytes);
		});
	}

	private @Nullable CompareRule match(ServerHttpRequest request) {
		HttpMethod method = request.getMethod();
		for (CompareRule rule : this.rules) {
			if (rule.matches(method, request.getPath().pathWithinApplication())) {
				return rule;
			}
		}
		return null;
	}

	/**
	 * The rule's side, except for a native route the rollback switch sends to the legacy application now. The switch
	 * is read once for the request: the decision is recorded in the exchange, and the switch's handler mapping
	 * follows it, so that a change in between cannot serve one side and shadow the same one.
	 */
	private ServedSide servedSide(CompareRule rule, ServerWebExchange exchange) {
		LegacyPaths switched = this.legacyPaths;
		if (rule.getServe() == ServedSide.NATIVE && switched != null && switched.match(exchange) != null) {
			return ServedSide.LEGACY;
		}
		return rule.getServe();
	}

	private Mono<Void> serve(CompareRule rule, ServerWebExchange exchange, WebFilterChain chain) {
		return (rule.getServe() == ServedSide.NATIVE) ? chain.filter(exchange) : dispatchers().legacy.handle(exchange);
	}

	private Mono<Void> compare(CompareRule rule, ServedSide side, ServerWebExchange exchange, WebFilterChain chain,
			byte @Nullable [] body) {
		// Only what the filters set so far: the served side's mapping records its own attributes in the original.
		Map<String, Object> attributes = new HashMap<>(exchange.getAttributes());
		TeeServerHttpResponse tee = new TeeServerHttpResponse(exchange.getResponse(), rule.getMaxBodySize());
		ServerWebExchange served = exchange.mutate().response(tee).build();
		String method = exchange.getRequest().getMethod().name();
		String path = exchange.getRequest().getPath().value();
		return Mono.deferContextual((context) -> serve(rule, served, chain)
			.doOnError((ex) -> {
				CapturedResponse raised = CapturedResponse.of(ex);
				if (raised.raised() != null) {
					// A client error (404, 405...) that the error handlers render after this filter: it is the
					// served side's answer, compared by its status.
					shadowServed(rule, side, exchange, attributes, body, () -> raised, context);
				}
				else {
					this.comparisons.record(rule, answered(exchange), method, path, failed(answered(exchange), ex));
				}
			})
			.doFinally((signal) -> {
				// After the client's answer completed: the shadow starts on another thread, detached from it.
				if (signal == SignalType.ON_COMPLETE) {
					shadowServed(rule, side, exchange, attributes, body, tee::captured, context);
				}
			}));
	}

	private void shadowServed(CompareRule rule, ServedSide side, ServerWebExchange exchange,
			Map<String, Object> attributes, byte @Nullable [] body, Supplier<CapturedResponse> served,
			ContextView context) {
		ServedSide answered = answered(exchange);
		if (answered == side || answered == ServedSide.LEGACY) {
			shadow(rule, answered, exchange, attributes, body, served, context);
		}
		else {
			// serve: legacy, but no legacy mount took the request: nothing legacy to compare with.
			this.comparisons.skipped(rule);
			if (logger.isDebugEnabled()) {
				logger.debug("Shadow comparison of " + exchange.getRequest().getMethod().name() + " "
						+ exchange.getRequest().getPath().value() + " skipped: no WSGI mount took the request");
			}
		}
	}

	/**
	 * The side that actually answered the client, whatever the rule assumed: the native dispatch falls through to the
	 * WSGI mapping when no native handler takes the request (a method the native route does not map, such as
	 * {@code HEAD} beside {@code GET}); then legacy answered, and the native side is the one to shadow, never legacy
	 * again. A request that no WSGI handler took counts as answered by the native side.
	 */
	private static ServedSide answered(ServerWebExchange exchange) {
		Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
		return (handler instanceof WsgiHandlerFunction) ? ServedSide.LEGACY : ServedSide.NATIVE;
	}

	private void shadow(CompareRule rule, ServedSide served, ServerWebExchange exchange, Map<String, Object> attributes,
			byte @Nullable [] body, Supplier<CapturedResponse> servedAnswer, ContextView context) {
		String method = exchange.getRequest().getMethod().name();
		String path = exchange.getRequest().getPath().value();
		ServedSide other = served.other();
		CapturingServerHttpResponse capture = new CapturingServerHttpResponse(exchange.getResponse().bufferFactory(),
				rule.getMaxBodySize());
		ShadowExchange shadow = new ShadowExchange(exchange, replay(body), capture, attributes);
		Dispatchers dispatchers = dispatchers();
		SideDispatcher dispatcher = (other == ServedSide.LEGACY) ? dispatchers.legacyShadow : dispatchers.nativeSide;
		boolean head = HttpMethod.HEAD.name().equals(method);
		// A legacy shadow ends on its WSGI worker: the capture and the comparison move to the parallel scheduler.
		Mono.defer(() -> dispatcher.handle(shadow))
			.subscribeOn(this.comparing)
			.publishOn(this.comparing)
			.then(Mono.fromSupplier(capture::captured))
			.timeout(this.timeout, Mono.error(() -> new TimeoutException(
					"no answer within wsgi.migration.shadow-timeout (" + this.timeout + ")")), this.comparing)
			.onErrorResume((ex) -> Mono.just(CapturedResponse.of(ex)))
			.contextWrite(Context.of(context))
			.subscribe((shadowResponse) -> {
				if (shadowResponse.failure() instanceof WsgiWorkersBusyException) {
					this.comparisons.skipped(rule);
					return;
				}
				CapturedResponse servedResponse = servedAnswer.get();
				CapturedResponse legacy = (other == ServedSide.LEGACY) ? shadowResponse : servedResponse;
				CapturedResponse nativeSide = (other == ServedSide.LEGACY) ? servedResponse : shadowResponse;
				this.comparisons.record(rule, served, method, path,
						ResponseComparator.compare(rule, head, legacy, nativeSide));
			}, (ex) -> logger.warn("Shadow comparison of " + method + " " + path + " failed", ex));
	}

	private static ResponseComparator.Comparison failed(ServedSide side, Throwable ex) {
		String failure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		String notRun = "(not run)";
		return new ResponseComparator.Comparison(ComparisonResult.ERROR,
				List.of(Difference.of("error", (side == ServedSide.LEGACY) ? failure : notRun,
						(side == ServedSide.NATIVE) ? failure : notRun)));
	}

	private static Flux<DataBuffer> replay(byte @Nullable [] body) {
		return (body != null) ? Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)))
				: Flux.empty();
	}

	private static ServerHttpRequest replaying(ServerHttpRequest request, byte[] body) {
		return new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return replay(body);
			}

		};
	}

	private Dispatchers dispatchers() {
		Dispatchers resolved = this.dispatchers;
		if (resolved == null) {
			resolved = Dispatchers.of(this.context);
			this.dispatchers = resolved;
		}
		return resolved;
	}

	/**
	 * Each side's dispatcher: the WSGI mapping (the shadow one on idle workers only), and every native mapping in
	 * dispatch order, all with the context's adapters and result handlers.
	 */
	private record Dispatchers(SideDispatcher legacy, SideDispatcher legacyShadow, SideDispatcher nativeSide) {

		static Dispatchers of(ApplicationContext context) {
			List<HandlerMapping> mappings = sorted(context, HandlerMapping.class);
			List<HandlerAdapter> adapters = sorted(context, HandlerAdapter.class);
			List<HandlerResultHandler> resultHandlers = sorted(context, HandlerResultHandler.class);
			List<HandlerMapping> wsgi = mappings.stream().filter(WsgiHandlerMapping.class::isInstance).toList();
			// Native: without the WSGI mappings, and without the rollback switch's, which sends a route back to them.
			List<HandlerMapping> nativeMappings = mappings.stream()
				.filter((mapping) -> !(mapping instanceof WsgiHandlerMapping)
						&& !(mapping instanceof LegacyPathsHandlerMapping))
				.toList();
			UnaryOperator<Object> onIdleWorkers = (handler) -> (handler instanceof WsgiHandlerFunction function)
					? function.onIdleWorkersOnly() : handler;
			return new Dispatchers(new SideDispatcher(wsgi, adapters, resultHandlers, UnaryOperator.identity()),
					new SideDispatcher(wsgi, adapters, resultHandlers, onIdleWorkers),
					new SideDispatcher(nativeMappings, adapters, resultHandlers, UnaryOperator.identity()));
		}

		private static <T> List<T> sorted(ApplicationContext context, Class<T> type) {
			List<T> beans = new ArrayList<>(
					BeanFactoryUtils.beansOfTypeIncludingAncestors(context, type, true, false).values());
			AnnotationAwareOrderComparator.sort(beans);
			return beans;
		}

	}

}
