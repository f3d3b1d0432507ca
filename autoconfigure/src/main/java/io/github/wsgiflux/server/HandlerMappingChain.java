package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.Resource;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.AbstractUrlHandlerMapping;
import org.springframework.web.reactive.result.method.AbstractHandlerMethodMapping;

/**
 * The handler mappings of a WebFlux application in the order the {@code DispatcherHandler} consults them, each with
 * what it serves: what decides whether a request reaches a native handler or a WSGI application.
 */
public final class HandlerMappingChain {

	private final List<Link> links;

	private HandlerMappingChain(List<Link> links) {
		this.links = links;
	}

	/**
	 * Describe the given mappings.
	 * @param mappings the handler mapping beans, by bean name
	 * @return the chain, in dispatch order
	 */
	public static HandlerMappingChain of(Map<String, HandlerMapping> mappings) {
		List<Link> links = new ArrayList<>();
		mappings.forEach((name, mapping) -> links.add(new Link(name, mapping.getClass().getSimpleName(), order(mapping),
				serves(mapping))));
		links.sort(Comparator.comparingInt(Link::order));
		return new HandlerMappingChain(List.copyOf(links));
	}

	/**
	 * The links, in dispatch order.
	 * @return the links
	 */
	public List<Link> getLinks() {
		return this.links;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		int position = 1;
		for (Link link : this.links) {
			if (position > 1) {
				text.append(" -> ");
			}
			text.append('[').append(position++).append("] ").append(link);
		}
		return text.toString();
	}

	private static int order(HandlerMapping mapping) {
		return (mapping instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

	private static String serves(HandlerMapping mapping) {
		if (mapping instanceof WsgiHandlerMapping wsgi) {
			return wsgi.getHandlers()
				.stream()
				.map((handler) -> "WSGI " + handler.getMount())
				.collect(Collectors.joining(", "));
		}
		if (mapping instanceof LegacyPathsHandlerMapping legacy) {
			return "legacy paths " + legacy.getLegacyPaths() + " to the WSGI mounts";
		}
		if (mapping instanceof RouterFunctionMapping functions) {
			RouterFunction<?> function = functions.getRouterFunction();
			return (function != null) ? countRoutes(function) + " route(s)" : "no routes";
		}
		if (mapping instanceof AbstractHandlerMethodMapping<?> methods) {
			return methods.getHandlerMethods().size() + " handler method(s)";
		}
		if (mapping instanceof AbstractUrlHandlerMapping urls) {
			return urls.getHandlerMap()
				.entrySet()
				.stream()
				.map((entry) -> entry.getKey() + " -> " + simpleName(entry.getValue()))
				.collect(Collectors.joining(", "));
		}
		return "";
	}

	private static String simpleName(Object handler) {
		return handler.getClass().getSimpleName();
	}

	private static int countRoutes(RouterFunction<?> function) {
		int[] count = { 0 };
		function.accept(new RouterFunctions.Visitor() {

			@Override
			public void startNested(RequestPredicate predicate) {
			}

			@Override
			public void endNested(RequestPredicate predicate) {
			}

			@Override
			public void route(RequestPredicate predicate,
					HandlerFunction<?> handlerFunction) {
				count[0]++;
			}

			@Override
			public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
				count[0]++;
			}

			@Override
			public void attributes(Map<String, Object> attributes) {
			}

			@Override
			public void unknown(RouterFunction<?> routerFunction) {
				count[0]++;
			}
		});
		return count[0];
	}

	/**
	 * One handler mapping in the chain.
	 * @param name the bean name
	 * @param type the mapping's class
	 * @param order its order; lower is consulted first
	 * @param serves a short description of what it maps
	 */
	public record Link(String name, String type, int order, String serves) {

		@Override
		public String toString() {
			return this.name + " (" + this.type + ", order " + this.order + ")"
					+ (this.serves.isEmpty() ? "" : ": " + this.serves);
		}

	}

}
