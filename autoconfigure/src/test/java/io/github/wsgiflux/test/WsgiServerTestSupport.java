package io.github.wsgiflux.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every behaviour test against a real port shares: the port, a client on it, the {@link TestWsgiApp} it serves
 * (its records cleared before each test), a PEP 3333
 * conformance check after each test (every validated request, every body closed), and no Netty buffer leak after the
 * class.
 */
@ExtendWith(NettyLeaks.class)
public abstract class WsgiServerTestSupport {

	@LocalServerPort
	protected int port;

	@Autowired
	protected TestWsgiApp app;

	/** A JDK HTTP client on the port. */
	protected Http http;

	@BeforeEach
	void startClean() {
		this.http = new Http(this.port);
		this.app.events.clear();
		this.app.closes.set(0);
	}

	@AfterEach
	void conformant() {
		this.app.assertConformant();
	}

}
