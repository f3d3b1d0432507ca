package io.github.wsgiflux.server;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.TestWsgiApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the environ takes from Spring's own request handling: forwarded headers when the user enables them, and the
 * HTTP version of the connection (HTTP/2 over cleartext here).
 */
@ExtendWith(NettyLeaks.class)
@SpringBootTest(classes = TestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.forward-headers-strategy=framework", "server.http2.enabled=true" })
class WsgiForwardedHeadersAndProtocolTests {

	@LocalServerPort
	int port;

	@Autowired
	TestWsgiApp app;

	@AfterEach
	void conformant() {
		this.app.assertConformant();
	}

	@Test
	void urlSchemeAndServerNameHonourForwardedHeadersWhenEnabled() {
		Http http = new Http(this.port);
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/env"))
			.header("X-Forwarded-Proto", "https")
			.header("X-Forwarded-Host", "legacy.example.org")
			.header("X-Forwarded-Port", "8443")
			.build());
		assertThat(response.body()).contains("wsgi.url_scheme=https\n")
			.contains("SERVER_NAME=legacy.example.org\n")
			.contains("SERVER_PORT=8443\n")
			.doesNotContain("HTTP_X_FORWARDED_PROTO");
	}

	@Test
	void serverProtocolIsHttp2OverH2c() throws Exception {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
		Http http = new Http(this.port);
		// The first request upgrades the connection (h2c); the next ones are HTTP/2 streams.
		client.send(HttpRequest.newBuilder(http.uri("/env")).build(), HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> response = client.send(HttpRequest.newBuilder(http.uri("/env")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(response.body()).contains("SERVER_PROTOCOL=HTTP/2.0\n");
	}

}
