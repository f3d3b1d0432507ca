package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several applications, one {@link WsgiMount} bean each: the longest matching mount wins, each sees its own
 * {@code SCRIPT_NAME}.
 */
@ExtendWith(NettyLeaks.class)
@SpringBootTest(classes = WsgiMultipleMountsTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WsgiMultipleMountsTests {

	@LocalServerPort
	int port;

	@Test
	void longestMountPathWins() {
		Http http = new Http(this.port);
		assertThat(http.get("/shop/items").body()).isEqualTo("shop /shop|/items");
		assertThat(http.get("/shop/admin/users").body()).isEqualTo("admin /shop/admin|/users");
		assertThat(http.get("/shop/administrator").body()).isEqualTo("shop /shop|/administrator");
		assertThat(http.get("/other").body()).isEqualTo("root |/other");
	}

	static WsgiApplication named(String name) {
		return (environ, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
			String text = name + " " + environ.get(Environ.SCRIPT_NAME) + "|" + environ.get(Environ.PATH_INFO);
			return List.of(text.getBytes(StandardCharsets.UTF_8));
		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		WsgiMount shop() {
			return new WsgiMount("/shop", "shop", named("shop"));
		}

		@Bean
		WsgiMount admin() {
			return new WsgiMount("/shop/admin/", "admin", named("admin"));
		}

		@Bean
		WsgiMount root() {
			return new WsgiMount("/", "root", named("root"));
		}

	}

}
