package io.github.wsgiflux.server;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What the environ takes from Spring's own request handling: forwarded headers when the user enables them, and the
 * HTTP version of the connection (HTTP/2 over cleartext here).
 */
@SpringBootTest(classes = TestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.forward-headers-strategy=framework", "server.http2.enabled=true" })
class WsgiForwardedHeadersAndProtocolTests extends WsgiServerTestSupport {

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
	void bytesSentUnencodedReachTheApplicationWithH2cEnabled() {
		String response = io.github.wsgiflux.test.RawHttp.exchange(this.port,
				"GET /env?foo=\"bar\" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ").contains("QUERY_STRING=foo=\"bar\"\n");
	}

	@Test
	void aValueEndingInWhitespaceIsMalformedOverHttp2AndStrippedOverHttp11() {
		// Reactor Netty's client sends the value as given (Java's HttpClient trims it before sending).
		reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create()
			.protocol(HttpProtocol.H2C)
			.baseUrl("http://localhost:" + this.port);
		// RFC 9113 8.2.1: "A field value MUST NOT start or end with an ASCII whitespace character"; such a request
		// is malformed, a stream error (8.1.1). Reactor Netty's HTTP/2 codec resets the stream of a value that starts
		// with whitespace and passes on one that ends with it: the gateway answers that one 400.
		for (String value : new String[] { "a ", "a\t", "a \t" }) {
			Integer status = client.headers((headers) -> headers.add("X-Tag", value))
				.get()
				.uri("/env")
				.responseSingle((response, body) -> Mono.just(response.status().code()))
				.block(Duration.ofSeconds(10));
			assertThat(status).as("over HTTP/2: '%s'", value).isEqualTo(400);
		}
		assertThatException().isThrownBy(() -> client.headers((headers) -> headers.add("X-Tag", " a"))
			.get()
			.uri("/env")
			.responseSingle((response, body) -> Mono.just(response.status().code()))
			.block(Duration.ofSeconds(10)));
		String clean = client.headers((headers) -> headers.add("X-Tag", "a \t b"))
			.get()
			.uri("/env")
			.responseContent()
			.aggregate()
			.asString()
			.block(Duration.ofSeconds(10));
		assertThat(clean).contains("SERVER_PROTOCOL=HTTP/2.0\n").contains("HTTP_X_TAG=a \t b\n");
		// Cookie crumbs are joined by Netty (RFC 9113 8.2.3): "a=1" and "" arrive as "a=1; ", which is not a value
		// the client sent with whitespace at its end.
		for (String[] crumbs : new String[][] { { "a=1", "" }, { "a=1", "", "b=2" } }) {
			String cookies = client.headers((headers) -> {
				for (String crumb : crumbs) {
					headers.add("Cookie", crumb);
				}
			}).get().uri("/env").responseContent().aggregate().asString().block(Duration.ofSeconds(10));
			assertThat(cookies).contains("HTTP_COOKIE=" + String.join("; ", java.util.Arrays.stream(crumbs)
				.filter((crumb) -> !crumb.isEmpty())
				.toList()) + "\n");
		}
		// RFC 9110 5.5: over HTTP/1.1 the whitespace is not part of the value; Reactor Netty strips it.
		String http11 = io.github.wsgiflux.test.RawHttp.exchange(this.port,
				"GET /env HTTP/1.1\r\nHost: localhost\r\nX-Tag: a \t\r\nConnection: close\r\n\r\n");
		assertThat(http11).startsWith("HTTP/1.1 200 ").contains("HTTP_X_TAG=a\n");
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
		assertThat(response.body()).contains("SERVER_PROTOCOL=HTTP/2.0\n")
			// PEP 3333: HTTP_ variables are the client's headers, not Netty's HTTP/2 conversion headers.
			.doesNotContain("HTTP_X_HTTP2_");
	}

}
