package io.github.wsgiflux.server;

import java.net.http.HttpResponse;

import io.github.wsgiflux.test.TestWsgiApp;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default precedence ({@code after-native}): every native handler wins, the WSGI application gets the rest.
 */
@SpringBootTest(classes = WsgiRoutingPrecedenceTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=health")
class WsgiRoutingPrecedenceTests extends WsgiServerTestSupport {

	@Test
	void routerFunctionRouteWins() {
		assertThat(this.http.get("/native/router").body()).isEqualTo("native router");
	}

	@Test
	void controllerRouteWins() {
		assertThat(this.http.get("/native/controller").body()).isEqualTo("native controller");
	}

	@Test
	void controllerPathWithTheWrongMethodAnswers405FromWebFlux() {
		HttpResponse<String> response = this.http.post("/native/controller", "text/plain", "x");
		assertThat(response.statusCode()).isEqualTo(405);
	}

	@Test
	void unmatchedPathGoesToTheWsgiApplication() {
		assertThat(this.http.get("/legacy/orders/7").body()).isEqualTo("legacy GET |/legacy/orders/7");
		assertThat(this.http.get("/").body()).isEqualTo("legacy GET |/");
	}

	@Test
	void existingStaticResourceIsServedNativelyAndAMissingOneReachesTheWsgiApplication() {
		assertThat(this.http.get("/hello.txt").body()).isEqualTo("hello from a static resource\n");
		assertThat(this.http.get("/missing.txt").body()).isEqualTo("legacy GET |/missing.txt");
	}

	@Test
	void postToAStaticResourcePathGoesToTheWsgiApplication() {
		assertThat(this.http.post("/hello.txt", "text/plain", "x").body()).isEqualTo("legacy POST |/hello.txt");
	}

	@Test
	void actuatorEndpointsWin() {
		HttpResponse<String> response = this.http.get("/actuator/health");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(NativeController.class)
	static class App {

		@Bean
		TestWsgiApp testWsgiApp() {
			return new TestWsgiApp();
		}

		@Bean
		RouterFunction<ServerResponse> nativeRoutes() {
			return RouterFunctions.route()
				.GET("/native/router", (request) -> ServerResponse.ok().bodyValue("native router"))
				.build();
		}

	}

	@RestController
	static class NativeController {

		@GetMapping("/native/controller")
		String get() {
			return "native controller";
		}

	}

}
