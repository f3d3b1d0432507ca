package io.github.wsgiflux.python;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Python test applications ({@link PythonTestApplication}) on a real port, one Spring context (and one set of
 * interpreter contexts) for every class extending this, with a client and leak detection.
 */
@SpringBootTest(classes = PythonTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(NettyLeaks.class)
abstract class PythonServerTestSupport {

	@LocalServerPort
	int port;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port);
	}

}
