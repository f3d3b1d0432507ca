package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The safety net under {@link ResponseHead}'s rules: if the HTTP layer refuses a response head anyway (here a layer
 * that refuses one header name), the client gets the gateway's own 500 (never Spring's error page), the worker
 * waiting to stream the body is released, the body is closed once and exactly one outcome, a 500, is recorded.
 */
class WsgiResponseHeadRefusedTests {

	private final Scheduler workers = Schedulers.newBoundedElastic(2, 10, "refused-test");

	private final List<WsgiRequestRecord> records = new CopyOnWriteArrayList<>();

	private final AtomicInteger closes = new AtomicInteger();

	@AfterEach
	void dispose() {
		this.workers.dispose();
	}

	@ParameterizedTest
	@ValueSource(strings = { "streamed", "whole" })
	void aHeadTheHttpLayerRefusesGetsTheGateways500AndEndsTheRequest(String body) {
		BoundedWsgiScheduler scheduler = new BoundedWsgiScheduler(this.workers, 2, 10);
		WsgiHandlerSettings settings = new WsgiHandlerSettings(16 * 1024, Duration.ofSeconds(1), null, null, -1, null,
				this.records::add, false);
		WsgiHandlerFunction handler = new WsgiHandlerFunction(new WsgiMount("/", "app", application(body)), scheduler,
				settings);
		RefusingResponse response = new RefusingResponse();
		DefaultServerWebExchange exchange = new DefaultServerWebExchange(MockServerHttpRequest.get("/").build(),
				response, new DefaultWebSessionManager(), ServerCodecConfigurer.create(),
				new AcceptHeaderLocaleContextResolver());
		ServerResponse answer = handler
			.handle(ServerRequest.create(exchange, HandlerStrategies.withDefaults().messageReaders()))
			.block(Duration.ofSeconds(5));
		answer.writeTo(exchange, new Context()).block(Duration.ofSeconds(5));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(response.getHeaders().containsHeader("X-Refused")).isFalse();
		assertThat(response.getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo("500 Internal Server Error\n");
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(scheduler.getActiveCount()).as("busy workers").isZero();
			assertThat(this.closes.get()).as("close() calls").isEqualTo(1);
		});
		assertThat(this.records).singleElement().satisfies((record) -> {
			assertThat(record.status()).isEqualTo(500);
			assertThat(record.outcome()).isEqualTo(Outcome.APPLICATION_ERROR);
		});
	}

	@Test
	void aHeadTheHttpLayerAcceptsIsWrittenAsGiven() {
		BoundedWsgiScheduler scheduler = new BoundedWsgiScheduler(this.workers, 2, 10);
		WsgiHandlerSettings settings = new WsgiHandlerSettings(16 * 1024, Duration.ofSeconds(1), null, null, -1, null,
				this.records::add, false);
		WsgiApplication app = (environ, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("X-Kept", " yes ")));
			return new ClosingBody(List.of("a".getBytes(StandardCharsets.US_ASCII)).iterator(), this.closes);
		};
		RefusingResponse response = new RefusingResponse();
		DefaultServerWebExchange exchange = new DefaultServerWebExchange(MockServerHttpRequest.get("/").build(),
				response, new DefaultWebSessionManager(), ServerCodecConfigurer.create(),
				new AcceptHeaderLocaleContextResolver());
		new WsgiHandlerFunction(new WsgiMount("/", "app", app), scheduler, settings)
			.handle(ServerRequest.create(exchange, HandlerStrategies.withDefaults().messageReaders()))
			.block(Duration.ofSeconds(5))
			.writeTo(exchange, new Context())
			.block(Duration.ofSeconds(5));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getHeaders().getFirst("X-Kept")).isEqualTo("yes");
		assertThat(response.getBodyAsString().block(Duration.ofSeconds(5))).isEqualTo("a");
	}

	private WsgiApplication application(String body) {
		List<Header> headers = List.of(Header.of("Content-Type", "text/plain"), Header.of("X-Refused", "value"));
		return (environ, start) -> {
			start.start("200 OK", headers);
			List<byte[]> chunks = "whole".equals(body) ? List.of("one".getBytes(StandardCharsets.US_ASCII))
					: List.of("one".getBytes(StandardCharsets.US_ASCII), "two".getBytes(StandardCharsets.US_ASCII));
			return new ClosingBody(chunks.iterator(), this.closes);
		};
	}

	/** A response whose header store refuses {@code X-Refused}, as Netty refuses a value it finds invalid. */
	static final class RefusingResponse extends MockServerHttpResponse {

		private final org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders(
				new LinkedMultiValueMap<>() {

					@Override
					public void add(String key, String value) {
						if ("X-Refused".equalsIgnoreCase(key)) {
							throw new IllegalArgumentException("a header value contains a prohibited character");
						}
						super.add(key, value);
					}

				});

		RefusingResponse() {
			super(DefaultDataBufferFactory.sharedInstance);
		}

		@Override
		public org.springframework.http.HttpHeaders getHeaders() {
			return this.headers;
		}

	}

	record ClosingBody(Iterator<byte[]> chunks, AtomicInteger closes) implements Iterable<byte[]>, AutoCloseable {

		@Override
		public Iterator<byte[]> iterator() {
			return this.chunks;
		}

		@Override
		public void close() {
			this.closes.incrementAndGet();
		}

	}

	static final class Context implements ServerResponse.Context {

		@Override
		public List<org.springframework.http.codec.HttpMessageWriter<?>> messageWriters() {
			return HandlerStrategies.withDefaults().messageWriters();
		}

		@Override
		public List<ViewResolver> viewResolvers() {
			return List.of();
		}

	}

}
