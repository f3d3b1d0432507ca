package io.github.wsgiflux.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every behaviour test against a real port shares: the port, the {@link TestWsgiApp} it serves, a PEP 3333
 * conformance check after each test (every validated request, every body closed), and no Netty buffer leak after the
 * class.
 */
@ExtendWith(NettyLeaks.class)
public abstract class WsgiServerTestSupport {

	@LocalServerPort
	protected int port;

	@Autowired
	protected TestWsgiApp app;

	@AfterEach
	void conformant() {
		this.app.assertConformant();
	}

}
