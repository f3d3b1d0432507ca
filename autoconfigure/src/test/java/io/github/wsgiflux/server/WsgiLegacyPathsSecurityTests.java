package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.github.wsgiflux.test.TestWsgiApp;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Security, the rollback switch is an actuator write operation like any other: an unauthenticated or
 * unauthorized request is refused and changes nothing, an authorized one switches the route, and the log names who
 * did it.
 */
@SpringBootTest(classes = WsgiLegacyPathsSecurityTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=wsgi",
				"management.endpoint.wsgi.access=unrestricted" })
@ExtendWith(OutputCaptureExtension.class)
class WsgiLegacyPathsSecurityTests extends WsgiServerTestSupport {

	@Test
	void unauthenticatedOrUnauthorizedSwitchIsRefusedAndAuthorizedOneWorks(CapturedOutput output) {
		assertThat(this.http.get("/moved/1").body()).isEqualTo("native");
		assertThat(switchBack(null).statusCode()).isEqualTo(401);
		assertThat(switchBack("ada:secret").statusCode()).isEqualTo(403);
		assertThat(this.http.get("/moved/2").body()).isEqualTo("native");
		HttpResponse<String> authorized = switchBack("ops:secret");
		assertThat(authorized.statusCode()).isEqualTo(200);
		assertThat(authorized.body()).contains("/moved/**");
		assertThat(this.http.get("/moved/3").body()).startsWith("legacy GET");
		assertThat(output).contains("WSGI legacy path /moved/** added by ops");
		HttpResponse<String> back = this.http.send(authorized(HttpRequest
			.newBuilder(this.http.uri("/actuator/wsgi/legacy-paths?pattern=/moved/**"))
			.DELETE(), "ops:secret").build());
		assertThat(back.statusCode()).isEqualTo(200);
		assertThat(this.http.get("/moved/4").body()).isEqualTo("native");
		assertThat(output).contains("WSGI legacy path /moved/** removed by ops");
	}

	private HttpResponse<String> switchBack(String credentials) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.http.uri("/actuator/wsgi/legacy-paths"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"pattern\":\"/moved/**\"}"));
		return this.http.send(authorized(request, credentials).build());
	}

	private static HttpRequest.Builder authorized(HttpRequest.Builder request, String credentials) {
		return (credentials != null) ? request.header("Authorization",
				"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
				: request;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		TestWsgiApp testWsgiApp() {
			return new TestWsgiApp();
		}

		@Bean
		RouterFunction<ServerResponse> moved() {
			return RouterFunctions.route().GET("/moved/{id}", (request) -> ServerResponse.ok().bodyValue("native")).build();
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(
					User.withUsername("ops").password("{noop}secret").roles("ACTUATOR").build(),
					User.withUsername("ada").password("{noop}secret").roles("USER").build());
		}

		@Bean
		SecurityWebFilterChain security(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.pathMatchers(HttpMethod.GET, "/actuator/**")
				.permitAll()
				.pathMatchers("/actuator/**")
				.hasRole("ACTUATOR")
				.anyExchange()
				.permitAll())
				// Actuator calls come from scripts with basic authentication, not from a browser session.
				.csrf((csrf) -> csrf.disable())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

	}

}
