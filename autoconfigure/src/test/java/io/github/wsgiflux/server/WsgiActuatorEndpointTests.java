package io.github.wsgiflux.server;

import java.net.http.HttpResponse;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing precedence is visible over HTTP: {@code /actuator/wsgi} and Spring Boot's own {@code /actuator/mappings}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "management.endpoints.web.exposure.include=wsgi,mappings,health")
class WsgiActuatorEndpointTests extends WsgiServerTestSupport {

	@Test
	void wsgiEndpointShowsTheChainMountsSchedulerAndLiveFigures() {
		Http http = new Http(this.port);
		http.get("/legacy");
		HttpResponse<String> response = http.get("/actuator/wsgi");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"precedence\":\"AFTER_NATIVE\"")
			.contains("\"mounts\":[{\"path\":\"/\",\"name\":\"testWsgiApp\"")
			.contains("\"name\":\"wsgiHandlerMapping\"")
			.contains("\"threadCap\":200")
			.containsPattern("\"completed\":[1-9]");
		assertThat(response.body().indexOf("routerFunctionMapping"))
			.isLessThan(response.body().indexOf("wsgiHandlerMapping"));
	}

	@Test
	void wsgiMappingShowsInSpringBootsMappingsEndpoint() {
		assertThat(new Http(this.port).get("/actuator/mappings").body()).contains("WSGI / -> testWsgiApp");
	}

	@Test
	void healthIncludesTheWsgiContributor() {
		assertThat(new Http(this.port).get("/actuator/health").statusCode()).isEqualTo(200);
	}

}
