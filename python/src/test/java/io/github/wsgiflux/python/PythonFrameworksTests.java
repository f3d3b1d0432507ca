package io.github.wsgiflux.python;

import java.net.http.HttpResponse;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unmodified Flask, Bottle and Django applications from Debian's packages, served over HTTP through GraalPy, each
 * at its mount path, behind a native route that wins.
 */
@SpringBootTest(classes = PythonTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
class PythonFrameworksTests {

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port);
	}

	@Test
	void flaskAnswersItsRoutes() {
		HttpResponse<String> response = this.http.get("/flask/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("Hello from Flask");
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
	}

	@Test
	void flaskSeesTheMountAsScriptNameAndTheQuery() {
		HttpResponse<String> response = this.http.get("/flask/json?q=caf%C3%A9&n=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"framework\":\"flask\"")
			.contains("\"script_name\":\"/flask\"")
			.contains("\"path\":\"/json\"")
			.contains("\"q\":\"caf\\u00e9\"");
	}
}
