package io.github.wsgiflux.server;

import java.net.http.HttpResponse;

import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code wsgi.response.include-error-details=true}, for debugging: the 500 names the exception. By default it does
 * not (see {@code WsgiGatewayBehaviourTests}).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "wsgi.response.include-error-details=true")
class WsgiErrorDetailsTests extends WsgiServerTestSupport {

	@Test
	void debugPropertyPutsTheExceptionInThe500Body() {
		HttpResponse<String> response = this.http.get("/fail-before");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).startsWith("500 Internal Server Error\n").contains("IllegalStateException: secret failure detail");
	}

}
