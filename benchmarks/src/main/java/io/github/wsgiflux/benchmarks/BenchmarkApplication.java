package io.github.wsgiflux.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * One JVM, the same work natively and through the gateway: {@code /native/*} router functions and the WSGI app
 * mounted at {@code /wsgi} ({@code /hello}, {@code /sleep?ms=}, {@code /download?mb=}, {@code /upload}); the native
 * {@code /wsgi/migrated} shadows the app's {@code /migrated} (the shadow comparison scenario).
 */
@SpringBootApplication
public class BenchmarkApplication {

	static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

	static final int CHUNK = 64 * 1024;

	static final byte[] BLOCK = new byte[CHUNK];

	static {
		Arrays.fill(BLOCK, (byte) 'x');
	}

	public static void main(String[] args) {
		SpringApplication.run(BenchmarkApplication.class, args);
	}

	@Bean
	RouterFunction<ServerResponse> nativeRoutes() {
		return RouterFunctions.route()
			.GET("/native/hello",
					(request) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(HELLO))
			// A route migrated from the WSGI app's /migrated: it shadows it, and run.sh compares the two.
			.GET("/wsgi/migrated",
					(request) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(HELLO))
			.GET("/native/download", (request) -> {
				long chunks = Long.parseLong(request.queryParam("mb").orElse("1")) * 1024 * 1024 / CHUNK;
				Flux<DataBuffer> body = Flux.range(0, (int) chunks)
					.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(BLOCK));
				return ServerResponse.ok()
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.body(BodyInserters.fromDataBuffers(body));
			})
			.POST("/native/upload", (request) -> request.bodyToFlux(DataBuffer.class)
				.map((buffer) -> {
					long n = buffer.readableByteCount();
					DataBufferUtils.release(buffer);
					return n;
				})
				.reduce(0L, Long::sum)
				.flatMap((total) -> ServerResponse.ok().bodyValue(Long.toString(total))))
			.build();
	}

	@Bean
	WsgiMount wsgi() {
		return new WsgiMount("/wsgi", "bench", benchmarkApp());
	}

	static WsgiApplication benchmarkApp() {
		List<Header> text = List.of(Header.of("Content-Type", "text/plain"));
		List<Header> octets = List.of(Header.of("Content-Type", "application/octet-stream"));
		return (environ, start) -> {
			Environ env = Environ.of(environ);
			switch ((String) environ.get(Environ.PATH_INFO)) {
				case "/hello", "/migrated" -> {
					start.start("200 OK", text);
					return List.of(HELLO);
				}
				case "/sleep" -> {
					Thread.sleep(Long.parseLong(env.queryParameter("ms")));
					start.start("200 OK", text);
					return List.of(HELLO);
				}
				case "/fail" -> throw new IllegalStateException("the soak test's failing request");
				case "/download" -> {
					long chunks = Long.parseLong(env.queryParameter("mb")) * 1024 * 1024 / CHUNK;
					start.start("200 OK", octets);
					return () -> new Iterator<>() {

						private long sent;

						@Override
						public boolean hasNext() {
							return this.sent < chunks;
						}

						@Override
						public byte[] next() {
							if (!hasNext()) {
								throw new NoSuchElementException();
							}
							this.sent++;
							// The same unchanged array each time: allowed, the contract forbids changing it.
							return BLOCK;
						}
					};
				}
				case "/upload" -> {
					byte[] buffer = new byte[CHUNK];
					long total = 0;
					int n;
					while ((n = env.input().read(buffer)) > 0) {
						total += n;
					}
					start.start("200 OK", text);
					return List.of(Long.toString(total).getBytes(StandardCharsets.US_ASCII));
				}
				default -> {
					start.start("404 Not Found", text);
					return List.of();
				}
			}
		};
	}

}
