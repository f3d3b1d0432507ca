package io.github.wsgiflux.server;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Sends the requests that match {@link LegacyPaths} to the WSGI mount that serves their path, ahead of the native
 * handlers: ordered after the actuator's endpoints ({@code -100}) and before router functions and controllers. Other
 * requests get no handler here, so the mappings after this one run as before; with no pattern set, nothing is even
 * matched. The switch is read once per request ({@link LegacyPaths#match(ServerWebExchange)}): a decision recorded
 * by an earlier reader is honoured even if the switch changed since.
 */
public class LegacyPathsHandlerMapping extends AbstractHandlerMapping {

	/** The default order: after the actuator's endpoints ({@code -100}), before every native mapping. */
	public static final int DEFAULT_ORDER = -99;

	private final LegacyPaths legacyPaths;

	private final WsgiHandlerMapping wsgi;

	/**
	 * Create the mapping.
	 * @param legacyPaths the patterns, changed at run time
	 * @param wsgi the WSGI mapping that chooses the mount and its handler
	 */
	public LegacyPathsHandlerMapping(LegacyPaths legacyPaths, WsgiHandlerMapping wsgi) {
		this.legacyPaths = legacyPaths;
		this.wsgi = wsgi;
		setOrder(DEFAULT_ORDER);
	}

	/**
	 * The patterns this mapping answers.
	 * @return the patterns
	 */
	public LegacyPaths getLegacyPaths() {
		return this.legacyPaths;
	}

	@Override
	public Mono<Object> getHandler(ServerWebExchange exchange) {
		// The common case, every request of an application without a rollback in place: one volatile read (and, as
		// the switch may have been read already for this request, one attribute lookup).
		if (this.legacyPaths.isEmpty() && LegacyPaths.decision(exchange) == null) {
			return Mono.empty();
		}
		return super.getHandler(exchange);
	}

	@Override
	protected Mono<?> getHandlerInternal(ServerWebExchange exchange) {
		// Decided once per request: a filter that read the switch before (the shadow comparison) has recorded it.
		if (this.legacyPaths.match(exchange) == null) {
			return Mono.empty();
		}
		return this.wsgi.getMountHandler(exchange);
	}

}
