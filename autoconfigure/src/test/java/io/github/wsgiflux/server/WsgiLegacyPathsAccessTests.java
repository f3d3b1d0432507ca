package io.github.wsgiflux.server;

import java.net.http.HttpRequest;

import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code wsgi} endpoint is read-only unless {@code management.endpoint.wsgi.access=unrestricted}: exposed, its
 * reports answer, but the rollback switch cannot be changed, and the request never reaches the legacy application.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=wsgi", "wsgi.routing.legacy-paths=/kept" })
class WsgiLegacyPathsAccessTests extends WsgiServerTestSupport {

	@Autowired
	private LegacyPaths legacyPaths;

	@Test
	void withDefaultAccessTheReportsAnswerAndTheSwitchIsRefused() {
		assertThat(this.http.get("/actuator/wsgi/routes").statusCode()).isEqualTo(200);
		assertThat(this.http.get("/actuator/wsgi/legacy-paths").body()).isEqualTo("{\"patterns\":[\"/kept\"]}");
		assertThat(this.http.post("/actuator/wsgi/legacy-paths", "application/json", "{\"pattern\":\"/x/**\"}")
			.statusCode()).isEqualTo(405);
		assertThat(this.http.send(HttpRequest.newBuilder(this.http.uri("/actuator/wsgi/legacy-paths?pattern=/kept"))
			.DELETE()
			.build()).statusCode()).isEqualTo(405);
		assertThat(this.legacyPaths.getPatterns()).containsExactly("/kept");
		assertThat(this.app.events).isEmpty();
	}

}
