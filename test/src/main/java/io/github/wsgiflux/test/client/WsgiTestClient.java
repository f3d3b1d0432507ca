package io.github.wsgiflux.test.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiHandlerFunction;
import io.github.wsgiflux.server.WsgiHandlerSettings;
import io.github.wsgiflux.server.WsgiRequestObserver;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.validate.WsgiValidator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;

/**
 * Spring's {@link WebTestClient} over a {@link WsgiApplication}, in process and without a port, through the real
 * gateway: the environ built as for a network request, the application run on a worker thread as in production,
 * its response published the same way. Every call is checked by {@link WsgiValidator}: a PEP 3333 violation, by the
 * application or the gateway, answers 500 with the violation in the body (error details are on), so that a test
 * sees it at the request that caused it. What werkzeug's {@code Client} and WebTest's {@code TestApp} are to a Python
 * WSGI application:
 * <pre class="code">
 * WebTestClient client = WsgiTestClient.bindTo(new LegacyGuestbook(dataSource));
 * client.get().uri("/entries").exchange()
 *     .expectStatus().isOk()
 *     .expectHeader().contentType("application/json");
 * </pre>
 * Requests carry {@code Host: localhost} unless they set their own or use an absolute URI ({@code SERVER_NAME}
 * {@code localhost}, {@code SERVER_PORT} {@code 80}, {@code wsgi.url_scheme} {@code http}); set a base URL or other
 * default headers through {@link #builder(WsgiMount)}. The body and headers are those the gateway hands to WebFlux:
 * what Reactor Netty adds on the wire (framing, {@code Date}) is not there.
 */
public final class WsgiTestClient {

	/** Workers for every client's requests: daemon threads, shared, created on first use. */
	private static final Scheduler WORKERS = Schedulers.newBoundedElastic(16, 1024, "wsgi-test", 60, true);

	private WsgiTestClient() {
	}

	/**
	 * A client for an application mounted at the root.
	 * @param application the application to test
	 * @return a client whose every request goes to the application
	 */
	public static WebTestClient bindTo(WsgiApplication application) {
		return bindTo(new WsgiMount("/", "test", application));
	}

	/**
	 * A client for an application under a mount path: requests outside it answer 404, as in an application where
	 * nothing else serves them.
	 * @param mount the application and its path
	 * @return a client
	 */
	public static WebTestClient bindTo(WsgiMount mount) {
		return builder(mount).build();
	}

	/**
	 * A client builder, to set a base URL, default headers or the response timeout.
	 * @param mount the application and its path
	 * @return a builder of Spring's own
	 */
	public static WebTestClient.Builder builder(WsgiMount mount) {
		// The root mount's path reads "" (it adds nothing to SCRIPT_NAME).
		String path = mount.getPath().isEmpty() ? "/" : mount.getPath();
		WsgiMount validated = new WsgiMount(path, mount.getName(), WsgiValidator.wrap(mount.getApplication()));
		WsgiHandlerSettings defaults = WsgiHandlerSettings.defaults();
		// Error details on: a failure's 500 names the exception, a PEP 3333 violation included.
		WsgiHandlerSettings settings = new WsgiHandlerSettings(defaults.bufferSize(), defaults.retryAfter(), null,
				null, -1, null, WsgiRequestObserver.NONE, true);
		BoundedWsgiScheduler scheduler = new BoundedWsgiScheduler(WORKERS, 16, 1024);
		WsgiHandlerFunction handler = new WsgiHandlerFunction(validated, scheduler, settings);
		RouterFunction<ServerResponse> route = RouterFunctions.route(within(validated), handler);
		// A Host as every HTTP/1.1 request has one (the server answers 400 without): a request's own, or an absolute
		// URI's authority (RFC 9112 3.2.2), takes precedence.
		return WebTestClient.bindToRouterFunction(route)
			.webFilter(WsgiTestClient::withoutClientRequestId)
			.configureClient()
			.defaultHeader(HttpHeaders.HOST, "localhost")
			.responseTimeout(Duration.ofSeconds(10));
	}

	/**
	 * The request as a client sends it: without the {@code WebTestClient-Request-Id} header {@link WebTestClient}
	 * adds to match its exchanges (on its own side), which would reach the environ as
	 * {@code HTTP_WEBTESTCLIENT_REQUEST_ID} and count against the header limit.
	 */
	private static Mono<Void> withoutClientRequestId(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getHeaders().containsHeader(WebTestClient.WEBTESTCLIENT_REQUEST_ID)) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate()
			.request((request) -> request.headers((headers) -> headers.remove(WebTestClient.WEBTESTCLIENT_REQUEST_ID)))
			.build());
	}

	/** The mount's paths, decided on the decoded path as the gateway's handler mapping does. */
	private static RequestPredicate within(WsgiMount mount) {
		return (request) -> {
			String raw = request.requestPath().pathWithinApplication().value();
			try {
				return mount.matches(StringUtils.uriDecode(raw, StandardCharsets.ISO_8859_1));
			}
			catch (IllegalArgumentException ex) {
				// Invalid percent-encoding: the gateway answers it (400).
				return true;
			}
		};
	}

}
