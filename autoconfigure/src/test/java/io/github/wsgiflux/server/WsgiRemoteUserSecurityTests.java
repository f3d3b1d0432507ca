package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.TestWsgiApp;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Security, the WSGI application sits behind the same filter chain as native handlers, and the
 * authenticated user's name reaches it as {@code REMOTE_USER}; a client header cannot forge it.
 */
@SpringBootTest(classes = WsgiRemoteUserSecurityTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=ada", "spring.security.user.password=secret" })
class WsgiRemoteUserSecurityTests extends WsgiServerTestSupport {

	@Test
	void protectedPathNeedsAuthenticationLikeNativeHandlers() {
		assertThat(new Http(this.port).get("/private/env").statusCode()).isEqualTo(401);
	}

	@Test
	void authenticatedUserBecomesRemoteUser() {
		Http http = new Http(this.port);
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/private/env"))
			.header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ada:secret".getBytes(StandardCharsets.UTF_8)))
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("REMOTE_USER=ada\n");
	}

	@Test
	void anonymousRequestHasNoRemoteUserWhateverHeadersItSends() {
		Http http = new Http(this.port);
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/public/env"))
			.header("Remote-User", "admin")
			.header("X-Remote-User", "admin")
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContainPattern("(?m)^REMOTE_USER=");
		assertThat(response.body()).contains("HTTP_REMOTE_USER=admin\n");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		WsgiMount privateMount(TestWsgiApp app) {
			return new WsgiMount("/private", "private", app);
		}

		@Bean
		WsgiMount publicMount(TestWsgiApp app) {
			return new WsgiMount("/public", "public", app);
		}

		@Bean
		TestWsgiApp testWsgiApp() {
			return new TestWsgiApp();
		}

		@Bean
		SecurityWebFilterChain security(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.pathMatchers("/public/**")
				.permitAll()
				.anyExchange()
				.authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
