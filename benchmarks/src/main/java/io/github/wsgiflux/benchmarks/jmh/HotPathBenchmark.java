package io.github.wsgiflux.benchmarks.jmh;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.autoconfigure.WsgiMetrics;
import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.EnvironBuilder;
import io.github.wsgiflux.server.WsgiHandlerFunction;
import io.github.wsgiflux.server.WsgiHandlerSettings;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.i18n.LocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;

/**
 * The per-request hot path without the network: building the environ of a typical browser request, and the whole
 * bridge (environ, the application call on an immediate scheduler, publishing the response, writing it to the
 * exchange, with the gateway's metrics and routes report on; {@link #baseline()} is the cost of the mock exchange alone). Run with {@code -prof gc} for the bytes
 * allocated per request: see {@code jmh.sh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

	private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

	private EnvironBuilder environBuilder;

	private MockServerHttpRequest request;

	private WsgiInput input;

	private StringWriter errors;

	private WsgiHandlerFunction handler;

	private ServerResponse.Context context;

	private List<org.springframework.http.codec.HttpMessageReader<?>> readers;

	private ServerCodecConfigurer codecs;

	private final HandlerFunction<ServerResponse> nativeHandler = (request) -> ServerResponse.ok()
		.contentType(MediaType.TEXT_PLAIN)
		.bodyValue(HELLO);

	private final WebSessionManager sessionManager = new DefaultWebSessionManager();

	private final LocaleContextResolver localeResolver = new AcceptHeaderLocaleContextResolver();

	@Setup
	public void setUp() {
		WsgiApplication hello = (environ, start) -> {
			start.start("200 OK", TEXT);
			return List.of(HELLO);
		};
		WsgiMount mount = new WsgiMount("/legacy", "bench", hello);
		this.environBuilder = new EnvironBuilder(mount);
		this.request = browserRequest();
		this.input = new WsgiInput(new ByteArrayInputStream(new byte[0]));
		this.errors = new StringWriter();
		BoundedWsgiScheduler scheduler = new BoundedWsgiScheduler(Schedulers.immediate(), 1, 0);
		// Metrics on, as an application with Actuator has them: the wsgi.requests timer recorded per request.
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		WsgiMetrics metrics = new WsgiMetrics(scheduler, registry);
		metrics.bindTo(registry);
		WsgiHandlerSettings defaults = WsgiHandlerSettings.defaults();
		// The routes report on, as by default (wsgi.routes.max-templates=500): each request counted by its template.
		WsgiHandlerSettings settings = new WsgiHandlerSettings(defaults.bufferSize(), defaults.retryAfter(), null, null,
				-1, null, metrics, false, 500);
		this.handler = new WsgiHandlerFunction(mount, scheduler, settings);
		this.codecs = ServerCodecConfigurer.create();
		this.readers = this.codecs.getReaders();
		HandlerStrategies strategies = HandlerStrategies.withDefaults();
		this.context = new ServerResponse.Context() {

			@Override
			public List<org.springframework.http.codec.HttpMessageWriter<?>> messageWriters() {
				return strategies.messageWriters();
			}

			@Override
			public List<org.springframework.web.reactive.result.view.ViewResolver> viewResolvers() {
				return strategies.viewResolvers();
			}
		};
	}

	@Benchmark
	public Map<String, Object> environ() throws Exception {
		return this.environBuilder.build(this.request, this.input, this.errors);
	}

	/** What {@link #bridge()} spends on the mock exchange itself: subtract it to get the gateway's share. */
	@Benchmark
	public Object baseline() {
		ServerWebExchange exchange = routedExchange();
		return ServerRequest.create(exchange, this.readers);
	}

	/**
	 * The exchange writing the same one-chunk response itself (status, the same two headers, one buffer), blocking
	 * twice as {@link #serve} does: what any handler of this request costs without the gateway, so that
	 * {@code bridge - baselineWrite} is the gateway's own share.
	 */
	@Benchmark
	public Object baselineWrite() {
		ServerWebExchange exchange = routedExchange();
		ServerRequest serverRequest = ServerRequest.create(exchange, this.readers);
		ServerHttpResponse response = Objects.requireNonNull(Mono.just(exchange.getResponse()).block(TIMEOUT));
		response.setStatusCode(HttpStatus.OK);
		response.getHeaders().add(HttpHeaders.CONTENT_TYPE, "text/plain");
		response.getHeaders().setContentLength(HELLO.length);
		response.writeWith(Mono.just(response.bufferFactory().wrap(HELLO))).block(TIMEOUT);
		return serverRequest;
	}

	@Benchmark
	public Object bridge() {
		return serve(this.handler);
	}

	/**
	 * An exchange as the server makes one, with the codecs, session manager and locale resolver shared as in a
	 * running application ({@code MockServerWebExchange.from} builds a codec configurer, Jackson mappers included,
	 * per exchange: 49 KB and most of the time of both benchmarks, which buried the gateway's share).
	 */
	private ServerWebExchange exchange() {
		return new DefaultServerWebExchange(browserRequest(), new MockServerHttpResponse(), this.sessionManager,
				this.codecs, this.localeResolver);
	}

	/**
	 * An exchange whose path was parsed, as the server's routing (RouterFunctionMapping, RequestMappingHandlerMapping)
	 * parses it before any handler runs: a handler that reads the path then finds it cached, as in a server.
	 */
	private ServerWebExchange routedExchange() {
		ServerWebExchange exchange = exchange();
		exchange.getRequest().getPath();
		return exchange;
	}

	/**
	 * The same request answered by a native handler function with the same one-chunk response, written the same way:
	 * {@code bridge - nativeBridge} is what the gateway costs more than a native handler.
	 */
	@Benchmark
	public Object nativeBridge() {
		return serve(this.nativeHandler);
	}

	/** One request through a handler function: its response published and written to a new exchange. */
	private Object serve(HandlerFunction<ServerResponse> handlerFunction) {
		ServerWebExchange exchange = routedExchange();
		ServerRequest serverRequest = ServerRequest.create(exchange, this.readers);
		ServerResponse response = Objects.requireNonNull(handlerFunction.handle(serverRequest).block(TIMEOUT));
		response.writeTo(exchange, this.context).block(TIMEOUT);
		return exchange.getResponse().getStatusCode();
	}

	private static MockServerHttpRequest browserRequest() {
		return MockServerHttpRequest.get("http://localhost:8080/legacy/orders/42?page=2&sort=date")
			.remoteAddress(new InetSocketAddress("127.0.0.1", 54321))
			.header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
			.header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
			.header("Accept-Language", "en-US,en;q=0.5")
			.header("Accept-Encoding", "gzip, deflate, br")
			.header("Cookie", "session=abc123; theme=dark")
			.header("Referer", "http://localhost:8080/legacy/orders")
			.header("Connection", "keep-alive")
			.build();
	}

}
