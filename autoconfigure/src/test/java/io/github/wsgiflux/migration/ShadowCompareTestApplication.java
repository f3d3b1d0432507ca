package io.github.wsgiflux.migration;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.handler.AbstractHandlerMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * A legacy application and native replacements of some of its routes, each pair answering alike or differing in one
 * way; the compared routes are configured by the tests.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ShadowCompareTestApplication {

	static final byte[] BIG = big('x');

	/** What the legacy side sends too: a media type without charset would be a difference. */
	static final MediaType TEXT = MediaType.parseMediaType("text/plain;charset=UTF-8");

	@Bean
	LegacyRoutes legacyRoutes() {
		return new LegacyRoutes();
	}

	@Bean
	RouterFunction<ServerResponse> nativeRoutes(NativeCalls calls) {
		return RouterFunctions.route()
			.GET("/same", (request) -> text(calls, "/same", "hello"))
			.GET("/status", (request) -> {
				calls.count("/status");
				return ServerResponse.status(201).contentType(TEXT).bodyValue("hello");
			})
			.GET("/header", (request) -> {
				calls.count("/header");
				return ServerResponse.ok().contentType(TEXT).header("X-Version", "2").bodyValue("hello");
			})
			.GET("/body", (request) -> text(calls, "/body", "hullo"))
			.GET("/json", (request) -> json(calls, "/json", "{\"generatedAt\": \"native\", \"count\": 3}"))
			.GET("/json-ignored", (request) -> json(calls, "/json-ignored", "{\"count\":3,\"generatedAt\":\"native\"}"))
			.GET("/legacy-fails", (request) -> text(calls, "/legacy-fails", "hello"))
			.GET("/native-fails", (request) -> {
				calls.count("/native-fails");
				throw new IllegalStateException("native handler failed");
			})
			.GET("/gone", (request) -> gone(calls, "/gone"))
			.GET("/gone-shadow", (request) -> gone(calls, "/gone-shadow"))
			.GET("/gone-differs", (request) -> gone(calls, "/gone-differs"))
			.GET("/busy", (request) -> text(calls, "/busy", "hello"))
			.GET("/candidate", (request) -> text(calls, "/candidate", "hello"))
			.POST("/post", (request) -> text(calls, "/post", "hello"))
			.GET("/never", (request) -> text(calls, "/never", "hello"))
			.GET("/always", (request) -> text(calls, "/always", "hello"))
			.GET("/flip", (request) -> text(calls, "/flip", "native"))
			.GET("/get-only", (request) -> text(calls, "/get-only", "hello"))
			.GET("/uncounted", (request) -> text(calls, "/uncounted", "hello"))
			.GET("/big", (request) -> {
				calls.count("/big");
				return ServerResponse.ok().contentType(TEXT).bodyValue(new String(BIG,
						StandardCharsets.ISO_8859_1));
			})
			.GET("/big-differs", (request) -> {
				calls.count("/big-differs");
				return ServerResponse.ok().contentType(TEXT).bodyValue(new String(big('y'),
						StandardCharsets.ISO_8859_1));
			})
			.build();
	}

	/**
	 * The test hook of a switch that changes while a request is under way: a mapping ahead of every other one that
	 * sends {@code /flip} back to the legacy application once the shadow filter has looked at the switch, before the
	 * switch's own mapping reads it. It maps nothing itself.
	 */
	@Bean
	AbstractHandlerMapping switchFlipper(LegacyPaths legacyPaths) {
		AbstractHandlerMapping flipper = new AbstractHandlerMapping() {

			@Override
			protected reactor.core.publisher.Mono<?> getHandlerInternal(
					org.springframework.web.server.ServerWebExchange exchange) {
				if (exchange.getRequest().getPath().pathWithinApplication().value().equals("/flip")) {
					legacyPaths.add("/flip");
				}
				return reactor.core.publisher.Mono.empty();
			}

		};
		flipper.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return flipper;
	}

	@Bean
	NativeCalls nativeCalls() {
		return new NativeCalls();
	}

	private static reactor.core.publisher.Mono<ServerResponse> text(NativeCalls calls, String path, String body) {
		calls.count(path);
		return ServerResponse.ok().contentType(TEXT).bodyValue(body);
	}

	/** A native route that raises its client error for the error handlers to render. */
	private static reactor.core.publisher.Mono<ServerResponse> gone(NativeCalls calls, String path) {
		calls.count(path);
		return reactor.core.publisher.Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no such entry"));
	}

	private static reactor.core.publisher.Mono<ServerResponse> json(NativeCalls calls, String path, String body) {
		calls.count(path);
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
	}

	/** 3,000 bytes, the last one differing between {@code x} and {@code y}. */
	static byte[] big(char last) {
		byte[] bytes = new byte[3000];
		Arrays.fill(bytes, (byte) 'a');
		bytes[bytes.length - 1] = (byte) last;
		return bytes;
	}

	/** How often each native route ran. */
	static final class NativeCalls {

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		void count(String path) {
			this.calls.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
		}

		int of(String path) {
			AtomicInteger count = this.calls.get(path);
			return (count != null) ? count.get() : 0;
		}

	}

	/** The legacy side: each compared path, plus {@code /block}, which holds its worker until released. */
	static final class LegacyRoutes implements WsgiApplication {

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		volatile CountDownLatch release = new CountDownLatch(0);

		volatile CountDownLatch blocked = new CountDownLatch(0);

		@Override
		public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
			String path = (String) environ.get("PATH_INFO");
			this.calls.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
			List<Header> text = List.of(Header.of("Content-Type", "text/plain; charset=utf-8"));
			List<Header> json = List.of(Header.of("Content-Type", "application/json"));
			switch (path) {
				case "/header" -> {
					start.start("200 OK", List.of(Header.of("Content-Type", "text/plain; charset=utf-8"), Header.of("X-Version", "1")));
					return List.of(bytes("hello"));
				}
				case "/json", "/json-ignored" -> {
					start.start("200 OK", json);
					return List.of(bytes("{\"count\":3,\"generatedAt\":\"legacy\"}"));
				}
				case "/gone", "/gone-shadow" -> {
					start.start("404 Not Found", text);
					return List.of(bytes("no such entry"));
				}
				case "/legacy-fails" -> throw new IllegalStateException("legacy application failed");
				case "/block" -> {
					this.blocked.countDown();
					this.release.await(30, TimeUnit.SECONDS);
					start.start("200 OK", text);
					return List.of(bytes("released"));
				}
				case "/big" -> {
					start.start("200 OK", text);
					return List.of(Arrays.copyOf(BIG, 1000), Arrays.copyOfRange(BIG, 1000, BIG.length));
				}
				case "/big-differs" -> {
					start.start("200 OK", text);
					return List.of(BIG);
				}
				default -> {
					start.start("200 OK", text);
					return List.of(bytes("hello"));
				}
			}
		}

		int of(String path) {
			AtomicInteger count = this.calls.get(path);
			return (count != null) ? count.get() : 0;
		}

		private static byte[] bytes(String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}

	}

}
