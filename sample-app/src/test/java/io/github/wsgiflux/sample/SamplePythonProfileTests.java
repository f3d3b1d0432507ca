package io.github.wsgiflux.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's python profile: a Flask app at /flask next to the Java guestbook at / and the native routes.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "GraalPy (wsgiflux-python) needs Java 21 or later")
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("python")
class SamplePythonProfileTests {

	@LocalServerPort
	int port;

	private final HttpClient client = HttpClient.newHttpClient();

	@Test
	void flaskGuestbookAndNativeRoutesAreServedSideBySide() throws Exception {
		HttpResponse<String> flask = get("/flask/");
		assertThat(flask.statusCode()).isEqualTo(200);
		assertThat(flask.body()).isEqualTo("Hello from Flask, inside Spring Boot");
		HttpResponse<String> echo = this.client.send(HttpRequest.newBuilder(uri("/flask/echo"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(echo.body()).contains("\"received\":{\"a\":1}").contains("\"script_name\":\"/flask\"");
		assertThat(get("/entries").body()).contains("served by the legacy WSGI application");
		assertThat(get("/about").body()).isEqualTo("native /about (@RestController)");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
