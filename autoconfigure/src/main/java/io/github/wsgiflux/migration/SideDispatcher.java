package io.github.wsgiflux.migration;

import java.util.List;
import java.util.function.UnaryOperator;

import io.github.wsgiflux.server.WsgiWorkersBusyException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.DispatchExceptionHandler;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.reactive.HandlerAdapter;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.reactive.HandlerResultHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Dispatches an exchange as the {@link DispatcherHandler} does, but through one side's handler mappings only: the WSGI
 * mapping for the legacy side, every other mapping (in dispatch order) for the native side. The adapters and result
 * handlers are the dispatcher's; exception handlers of the adapters (such as {@code @ExceptionHandler} methods) apply
 * as they would.
 */
final class SideDispatcher {

	private final List<HandlerMapping> mappings;

	private final List<HandlerAdapter> adapters;

	private final List<HandlerResultHandler> resultHandlers;

	private final UnaryOperator<Object> handlers;

	/**
	 * Create a dispatcher.
	 * @param mappings the side's mappings, in dispatch order
	 * @param adapters the handler adapters, in order
	 * @param resultHandlers the result handlers, in order
	 * @param handlers replaces the handler a mapping found (the WSGI handler by the one on idle workers only)
	 */
	SideDispatcher(List<HandlerMapping> mappings, List<HandlerAdapter> adapters,
			List<HandlerResultHandler> resultHandlers, UnaryOperator<Object> handlers) {
		this.mappings = List.copyOf(mappings);
		this.adapters = List.copyOf(adapters);
		this.resultHandlers = List.copyOf(resultHandlers);
		this.handlers = handlers;
	}

	Mono<Void> handle(ServerWebExchange exchange) {
		return Flux.fromIterable(this.mappings)
			.concatMap((mapping) -> mapping.getHandler(exchange))
			.next()
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No matching handler")))
			.onErrorResume((ex) -> handleResultMono(exchange, Mono.error(ex)).then(Mono.empty()))
			.flatMap((handler) -> handleRequestWith(exchange, this.handlers.apply(handler)));
	}

	private Mono<Void> handleRequestWith(ServerWebExchange exchange, Object handler) {
		if (exchange.getResponse().getStatusCode() == HttpStatus.FORBIDDEN) {
			// A CORS check of the mapping refused the request and answered it.
			return Mono.empty();
		}
		for (HandlerAdapter adapter : this.adapters) {
			if (adapter.supports(handler)) {
				return handleResultMono(exchange, adapter.handle(exchange, handler));
			}
		}
		return Mono.error(new IllegalStateException("No HandlerAdapter: " + handler));
	}

	private Mono<Void> handleResultMono(ServerWebExchange exchange, Mono<HandlerResult> resultMono) {
		Mono<HandlerResult> handled = resultMono;
		for (HandlerAdapter adapter : this.adapters) {
			if (adapter instanceof DispatchExceptionHandler exceptionHandler) {
				// A busy WSGI scheduler is the comparison's own signal, never an application error to render.
				handled = handled.onErrorResume((ex) -> !(ex instanceof WsgiWorkersBusyException),
						(ex) -> exceptionHandler.handleError(exchange, ex));
			}
		}
		return handled.flatMap((result) -> {
			Mono<Void> written = handleResult(exchange, result);
			DispatchExceptionHandler exceptionHandler = result.getExceptionHandler();
			if (exceptionHandler != null) {
				written = written.onErrorResume((ex) -> exceptionHandler.handleError(exchange, ex)
					.flatMap((errorResult) -> handleResult(exchange, errorResult)));
			}
			return written;
		});
	}

	private Mono<Void> handleResult(ServerWebExchange exchange, HandlerResult result) {
		for (HandlerResultHandler resultHandler : this.resultHandlers) {
			if (resultHandler.supports(result)) {
				return resultHandler.handleResult(exchange, result);
			}
		}
		return Mono.error(new IllegalStateException("No HandlerResultHandler for " + result.getReturnValue()));
	}

}
