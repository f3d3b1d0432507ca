package com.example.app;

import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

// A request before the interpreter has imported the application waits for it, rather than getting 503.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "wsgi.python.refuse-while-loading=false")
class UserApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	Engine engine;

	@Test
	void pythonAnswersOnTheOptimizedRuntime() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/py/hi")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).startsWith("Hello from graalpy").contains("at /py/hi");
		assertThat(this.engine.getImplementationName()).isNotEqualTo("Interpreted");
	}

}
