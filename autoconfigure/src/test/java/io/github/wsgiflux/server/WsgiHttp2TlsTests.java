package io.github.wsgiflux.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 over TLS when the user enables {@code server.http2.enabled} with SSL: the environ says {@code HTTP/2.0} and
 * {@code https}, streaming works, and many streams share one connection.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true", "server.ssl.certificate=classpath:tls/cert.pem",
				"server.ssl.certificate-private-key=classpath:tls/key.pem" })
class WsgiHttp2TlsTests extends WsgiServerTestSupport {

	@Test
	void http2OverTlsServesManyStreamsOnOneConnection() throws Exception {
		HttpClient client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_2)
			.sslContext(trustAll())
			.build();
		HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri("/env")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(first.body()).contains("SERVER_PROTOCOL=HTTP/2.0\n").contains("wsgi.url_scheme=https\n");
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			responses.add(client.sendAsync(HttpRequest.newBuilder(uri("/stream?n=" + (i + 1))).build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		for (int i = 0; i < 20; i++) {
			HttpResponse<String> response = responses.get(i).get(20, TimeUnit.SECONDS);
			assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
			assertThat(response.body()).endsWith("chunk" + i + ";");
		}
	}

	private URI uri(String path) {
		return URI.create("https://localhost:" + this.port + path);
	}

	private static SSLContext trustAll() throws Exception {
		TrustManager trustAll = new X509TrustManager() {

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public X509Certificate[] getAcceptedIssuers() {
				return new X509Certificate[0];
			}
		};
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, new TrustManager[] { trustAll }, new SecureRandom());
		return context;
	}

}
