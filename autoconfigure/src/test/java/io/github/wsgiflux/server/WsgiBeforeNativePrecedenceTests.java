package io.github.wsgiflux.server;

import io.github.wsgiflux.test.TestWsgiApp;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code before-native} with a mount path: the WSGI application owns {@code /legacy/**} even where a controller maps
 * the same path; everything else stays native.
 */
@SpringBootTest(classes = WsgiBeforeNativePrecedenceTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "wsgi.routing.precedence=before-native", "wsgi.routing.mount-path=/legacy" })
class WsgiBeforeNativePrecedenceTests extends WsgiServerTestSupport {

	@Autowired
	WsgiHandlerMapping mapping;

	@Test
	void wsgiApplicationOwnsItsMountEvenWhereAControllerMapsThePath() {
		assertThat(this.http.get("/legacy/shadowed").body()).isEqualTo("legacy GET /legacy|/shadowed");
		assertThat(this.http.get("/legacy").body()).isEqualTo("legacy GET /legacy|");
	}

	@Test
	void pathsOutsideTheMountStayNativeOr404() {
		assertThat(this.http.get("/native").body()).isEqualTo("native");
		assertThat(this.http.get("/legacyx").statusCode()).isEqualTo(404);
	}

	@Test
	void orderIsAheadOfRouterFunctionsAndControllers() {
		assertThat(this.mapping.getOrder()).isEqualTo(-2);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Controller.class)
	static class App {

		@Bean
		TestWsgiApp testWsgiApp() {
			return new TestWsgiApp();
		}

	}

	@RestController
	static class Controller {

		@GetMapping("/legacy/shadowed")
		String shadowed() {
			return "native shadowed";
		}

		@GetMapping("/native")
		String nativeRoute() {
			return "native";
		}

	}

}
