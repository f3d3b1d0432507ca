package io.github.wsgiflux.server;

import java.io.IOException;
import java.net.ServerSocket;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A separate management port serves the actuator only: its requests never reach the WSGI application.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WsgiManagementPortTests extends WsgiServerTestSupport {

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void managementPort(DynamicPropertyRegistry registry) {
		registry.add("management.server.port", WsgiManagementPortTests::freePort);
	}

	@Test
	void managementPortNeverReachesTheWsgiApplication() {
		Http management = new Http(this.managementPort);
		assertThat(management.get("/actuator/health").statusCode()).isEqualTo(200);
		assertThat(management.get("/legacy").statusCode()).isEqualTo(404);
		assertThat(new Http(this.port).get("/legacy").body()).isEqualTo("legacy GET |/legacy");
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
