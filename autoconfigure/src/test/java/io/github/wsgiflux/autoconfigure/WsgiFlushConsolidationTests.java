package io.github.wsgiflux.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsgi.response.consolidate-flushes}: Netty's flush consolidation in every connection's pipeline by default,
 * none when turned off, and responses of both kinds of handler served either way.
 */
class WsgiFlushConsolidationTests {

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void connectionsConsolidateFlushesByDefault() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(get(context, "/native/pipeline")).isEqualTo("consolidated");
			assertThat(get(context, "/wsgi/hello")).isEqualTo("hello");
		}
	}

	@Test
	void consolidationCanBeTurnedOff() throws Exception {
		try (ConfigurableApplicationContext context = start("wsgi.response.consolidate-flushes=false")) {
			assertThat(get(context, "/native/pipeline")).isEqualTo("plain");
			assertThat(get(context, "/wsgi/hello")).isEqualTo("hello");
		}
	}

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(Config.class).properties("server.port=0")
			.properties(properties)
			.run();
	}

	private String get(ConfigurableApplicationContext context, String path) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		RouterFunction<ServerResponse> pipeline() {
			return RouterFunctions.route().GET("/native/pipeline", (request) -> {
				Connection connection = ServerHttpRequestDecorator.getNativeRequest(request.exchange().getRequest());
				boolean consolidated = connection.channel()
					.pipeline()
					.get(WsgiAutoConfiguration.ReactorNettyConfiguration.FLUSH_CONSOLIDATION) != null;
				return ServerResponse.ok().bodyValue(consolidated ? "consolidated" : "plain");
			}).build();
		}

		@Bean
		WsgiMount wsgi() {
			WsgiApplication hello = (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return List.of("hello".getBytes(StandardCharsets.US_ASCII));
			};
			return new WsgiMount("/wsgi", "hello", hello);
		}

	}

}
