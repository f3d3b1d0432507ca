package io.github.wsgiflux.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.wsgiflux.spi.WsgiMount;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.resource.ResourceUrlProvider;
import org.springframework.web.server.ServerWebExchange;

/**
 * The handler mapping of the WSGI mounts: a dedicated {@link RouterFunctionMapping} with an order of its own, never a
 * {@code RouterFunction} bean (the default mapping collects those at order -1 and would shadow every controller).
 * Being a {@code RouterFunctionMapping}, it is listed by Spring Boot's {@code mappings} endpoint. The mount is chosen
 * on the percent-decoded path, as {@code SCRIPT_NAME} and {@code PATH_INFO} show it.
 * <p>
 * It returns no handler
 * <ul>
 * <li>for requests that arrive on a separate management port,</li>
 * <li>when {@linkplain #setStaticResources deferring to static resources}, for a {@code GET} or {@code HEAD} of a
 * static resource that exists, so that the resource mapping ordered after this one serves it. The static resources
 * are listed once the context is refreshed ({@link #indexStaticResources}), so the check is a set lookup; mappings
 * that cannot be listed are resolved per path and remembered (up to 10,000 paths).</li>
 * </ul>
 */
public class WsgiHandlerMapping extends RouterFunctionMapping {

	private static final int STATIC_RESOURCE_CACHE_SIZE = 10_000;

	private final List<WsgiHandlerFunction> handlers;

	private volatile int managementPort = -1;

	private @Nullable ResourceUrlProvider staticResources;

	private volatile @Nullable StaticResourceIndex staticResourceIndex;

	/**
	 * Whether a path is a static resource, as resolved before: resolving runs a classpath or file lookup per static
	 * location, far more than the rest of the request. Bounded: cleared when full, so that random paths cannot grow it.
	 */
	private final Map<String, Boolean> staticResourceCache = new ConcurrentHashMap<>();

	/**
	 * Create a mapping for the given handlers; the longest mount path wins.
	 * @param handlers one handler per mount
	 */
	public WsgiHandlerMapping(List<WsgiHandlerFunction> handlers) {
		super(routerFunction(longestMountFirst(handlers)));
		this.handlers = longestMountFirst(handlers);
	}

	/**
	 * The handlers, longest mount path first.
	 * @return the handlers
	 */
	public List<WsgiHandlerFunction> getHandlers() {
		return this.handlers;
	}

	/**
	 * Ignore requests on this local port (the actuator's separate management port).
	 * @param managementPort the port, or -1 for none
	 */
	public void setManagementPort(int managementPort) {
		this.managementPort = managementPort;
	}

	/**
	 * Defer to static resources that exist: a {@code GET} or {@code HEAD} for which the provider resolves a resource
	 * gets no handler here.
	 * @param staticResources the provider of Spring's resource handlers, or {@code null} to never defer
	 */
	public void setStaticResources(@Nullable ResourceUrlProvider staticResources) {
		this.staticResources = staticResources;
	}

	/**
	 * List the static resources of the context, when deferring to them, so that requests need no lookup. Blocking
	 * I/O: called once the context is refreshed, never on an event loop.
	 * @param context the application context
	 */
	public void indexStaticResources(ApplicationContext context) {
		// A child context's refresh (a separate management port) reaches this listener too: only its own counts.
		if (this.staticResources != null && context == getApplicationContext()) {
			this.staticResourceIndex = StaticResourceIndex.of(context);
		}
	}

	/**
	 * The handler of the mount that serves a request, without deferring to static resources: for a path the rollback
	 * switch ({@link LegacyPathsHandlerMapping}) sends to the legacy application even where a native handler, a
	 * static resource included, exists. Still none on the management port.
	 * @param exchange the exchange
	 * @return the mount's handler, or empty
	 */
	public Mono<?> getMountHandler(ServerWebExchange exchange) {
		return onManagementPort(exchange) ? Mono.empty() : super.getHandlerInternal(exchange);
	}

	private boolean onManagementPort(ServerWebExchange exchange) {
		int port = this.managementPort;
		if (port > 0) {
			InetSocketAddress local = exchange.getRequest().getLocalAddress();
			return local != null && local.getPort() == port;
		}
		return false;
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		if (onManagementPort(exchange)) {
			return Mono.empty();
		}
		Mono<?> handler = super.getHandlerInternal(exchange);
		ResourceUrlProvider resources = this.staticResources;
		HttpMethod method = exchange.getRequest().getMethod();
		if (resources == null || (method != HttpMethod.GET && method != HttpMethod.HEAD)) {
			return handler;
		}
		StaticResourceIndex index = this.staticResourceIndex;
		if (index != null) {
			Boolean indexed = index.isStaticResource(exchange.getRequest().getPath().pathWithinApplication());
			if (indexed != null) {
				return indexed ? Mono.empty() : handler;
			}
		}
		String lookupPath = exchange.getRequest().getPath().pathWithinApplication().value();
		Boolean cached = this.staticResourceCache.get(lookupPath);
		if (cached != null) {
			return cached ? Mono.empty() : handler;
		}
		return handler.filterWhen((found) -> resources.getForUriString(lookupPath, exchange)
			.hasElement()
			.doOnNext((exists) -> cacheStaticResource(lookupPath, exists))
			.map((exists) -> !exists));
	}

	private void cacheStaticResource(String lookupPath, boolean exists) {
		if (this.staticResourceCache.size() >= STATIC_RESOURCE_CACHE_SIZE) {
			this.staticResourceCache.clear();
		}
		this.staticResourceCache.put(lookupPath, exists);
	}

	private static RouterFunction<ServerResponse> routerFunction(List<WsgiHandlerFunction> handlers) {
		if (handlers.isEmpty()) {
			throw new IllegalArgumentException("At least one WSGI mount is required");
		}
		RouterFunction<ServerResponse> function = null;
		for (int i = 0; i < handlers.size(); i++) {
			WsgiHandlerFunction handler = handlers.get(i);
			// The shortest mount (the last) answers requests no mount can be chosen for: a 400 that says why beats a
			// 404 from the static resources.
			MountPredicate predicate = new MountPredicate(handler.getMount(), i == handlers.size() - 1);
			RouterFunction<ServerResponse> route = RouterFunctions.route(predicate, handler);
			function = (function != null) ? function.and(route) : route;
		}
		return function;
	}

	private static List<WsgiHandlerFunction> longestMountFirst(List<WsgiHandlerFunction> handlers) {
		List<WsgiHandlerFunction> sorted = new ArrayList<>(handlers);
		sorted.sort(Comparator
			.comparingInt((WsgiHandlerFunction handler) -> handler.getMount().getDecodedPath().length())
			.reversed());
		return List.copyOf(sorted);
	}

	/**
	 * Matches the requests at or below a mount path, on the same percent-decoded path the environ shows; the
	 * asterisk-form ({@code OPTIONS *}) only at the root mount; requests whose target is invalid at the fallback.
	 */
	private static final class MountPredicate implements RequestPredicate {

		private final WsgiMount mount;

		private final boolean fallback;

		MountPredicate(WsgiMount mount, boolean fallback) {
			this.mount = mount;
			this.fallback = fallback;
		}

		@Override
		public boolean test(ServerRequest request) {
			RequestTarget target = RequestTarget.of(request.exchange());
			String path = target.pathWithinApplication();
			if (path == null) {
				return this.fallback;
			}
			if (target.form() == RequestTarget.Form.ASTERISK) {
				return this.mount.getPath().isEmpty();
			}
			return this.mount.matches(path);
		}

		@Override
		public String toString() {
			return "WSGI " + this.mount;
		}

	}

}
