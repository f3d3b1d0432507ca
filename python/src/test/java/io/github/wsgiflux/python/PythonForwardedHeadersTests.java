package io.github.wsgiflux.python;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a proxy (simulated with {@code X-Forwarded-*} headers), Flask's {@code url_for(_external=True)} and
 * Django's {@code request.build_absolute_uri()}, unmodified and without proxy settings of their own, give the public
 * URL: both read {@code HTTP_HOST} and {@code wsgi.url_scheme}, which the gateway takes from the forwarded values
 * with either of Spring Boot's strategies.
 */
class PythonForwardedHeadersTests {

	abstract static class Strategy {

		@LocalServerPort
		int port;

		@Test
		void flaskExternalUrlIsThePublicOne() {
			assertThat(proxied(this.port, "/flask/external")).isEqualTo("https://public.example/flask/external");
		}

		@Test
		void djangoAbsoluteUriIsThePublicOne() {
			assertThat(proxied(this.port, "/django/absolute?a=1"))
				.isEqualTo("https://public.example/django/absolute?a=1");
		}

	}

	@Nested
	@SpringBootTest(classes = ProxiedApps.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.forward-headers-strategy=framework" })
	@ExtendWith(NettyLeaks.class)
	class FrameworkStrategy extends Strategy {

	}

	@Nested
	@SpringBootTest(classes = ProxiedApps.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "server.forward-headers-strategy=native" })
	@ExtendWith(NettyLeaks.class)
	class NativeStrategy extends Strategy {

	}

	static String proxied(int port, String path) {
		Http http = new Http(port);
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri(path))
			.header("X-Forwarded-Host", "public.example")
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-For", "203.0.113.7")
			.build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	/** Flask and Django only, one interpreter context each. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ProxiedApps {

		@Bean(destroyMethod = "close")
		Engine pythonEngine() {
			return Engine.newBuilder("python").build();
		}

		@Bean(destroyMethod = "close")
		PythonWsgiApplication flaskApp(Engine engine) {
			return PythonTestApplication.application("flask_app:app", 1, engine);
		}

		@Bean
		WsgiMount flask(PythonWsgiApplication flaskApp) {
			return new WsgiMount("/flask", "flask", flaskApp);
		}

		@Bean(destroyMethod = "close")
		PythonWsgiApplication djangoApp(Engine engine) {
			return PythonTestApplication.application("djsite.wsgi", 1, engine);
		}

		@Bean
		WsgiMount django(PythonWsgiApplication djangoApp) {
			return new WsgiMount("/django", "django", djangoApp);
		}

	}

}
