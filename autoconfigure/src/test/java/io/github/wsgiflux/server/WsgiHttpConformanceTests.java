package io.github.wsgiflux.server;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.test.RawHttp;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP as real clients speak it, against a real port: 100-continue, chunked uploads, pipelining, keep-alive,
 * {@code Connection: close}, HTTP/2 cleartext with prior knowledge, odd and hostile request lines and headers,
 * disconnects; plus what Tornado's own WSGIContainer tests check.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "server.http2.enabled=true")
class WsgiHttpConformanceTests extends WsgiServerTestSupport {

	@Autowired
	BoundedWsgiScheduler scheduler;

	@AfterEach
	void workersFreed() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 0);
	}

	@Test
	void expectContinueUploadReachesTheApplication() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
					+ "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			String interim = readUntil(in, "\r\n\r\n");
			assertThat(interim).startsWith("HTTP/1.1 100 Continue");
			out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			String response = readUntil(in, "hello");
			assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("hello");
		}
	}

	@Test
	void chunkedUploadIsReassembled() {
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: localhost\r\n"
				+ "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 OK").endsWith("hello world");
	}

	@Test
	void pipelinedRequestsAreAnsweredInOrder() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(5000);
			StringBuilder requests = new StringBuilder();
			for (int i = 0; i < 3; i++) {
				requests.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
			}
			socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
			String responses = readUntil(socket.getInputStream(), "legacy GET |/p2");
			assertThat(responses).containsSubsequence("legacy GET |/p0", "legacy GET |/p1", "legacy GET |/p2");
		}
	}

	@Test
	void keepAliveServesManyRequestsOnOneConnection() {
		Set<String> ports = new HashSet<>();
		for (int i = 0; i < 50; i++) {
			String body = this.http.get("/env").body();
			ports.add(body.lines().filter((line) -> line.startsWith("REMOTE_PORT=")).findFirst().orElseThrow());
		}
		assertThat(ports).hasSize(1);
	}

	@Test
	void connectionCloseClosesAfterTheResponse() {
		String response = RawHttp.exchange(this.port, "GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("connection: close").endsWith("legacy GET |/x");
	}

	@Test
	void http2CleartextWithPriorKnowledgeStreams() {
		HttpClient client = HttpClient.create().protocol(HttpProtocol.H2C).baseUrl("http://localhost:" + this.port);
		List<String> bodies = Flux.range(0, 10)
			.flatMap((i) -> client.get().uri("/env?i=" + i).responseContent().aggregate().asString(), 10)
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(bodies).hasSize(10).allSatisfy((body) -> assertThat(body).contains("SERVER_PROTOCOL=HTTP/2.0\n"));
		String streamed = client.get().uri("/stream?n=50").responseContent().aggregate().asString()
			.block(Duration.ofSeconds(10));
		assertThat(streamed).startsWith("chunk0;").endsWith("chunk49;");
	}

	@Test
	void http2ServesManyConcurrentStreamsOnOneConnection() throws Exception {
		java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_2)
			.build();
		// The first request upgrades the connection (h2c); the JDK client then multiplexes on it.
		client.send(HttpRequest.newBuilder(this.http.uri("/env")).build(), HttpResponse.BodyHandlers.ofString());
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			responses.add(client.sendAsync(HttpRequest.newBuilder(this.http.uri("/env?i=" + i)).build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		Set<String> ports = new HashSet<>();
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			String body = response.get(20, TimeUnit.SECONDS).body();
			assertThat(body).contains("SERVER_PROTOCOL=HTTP/2.0\n");
			ports.add(body.lines().filter((line) -> line.startsWith("REMOTE_PORT=")).findFirst().orElseThrow());
		}
		assertThat(ports).as("one connection").hasSize(1);
	}

	@Test
	void largeAndManyHeadersAreAccepted() {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.http.uri("/env")).header("X-Large", "v".repeat(6000));
		for (int i = 0; i < 60; i++) {
			request.header("X-Many-" + i, "value" + i);
		}
		String body = this.http.send(request.build()).body();
		assertThat(body).contains("HTTP_X_LARGE=" + "v".repeat(6000)).contains("HTTP_X_MANY_59=value59");
	}

	@Test
	void overLongHeaderGets431AndTheServerKeepsServing() {
		String response = RawHttp.exchange(this.port,
				"GET /env HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + "h".repeat(20_000) + "\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 431 ");
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void overLongUriGets414AndTheServerKeepsServing() {
		String response = RawHttp.exchange(this.port,
				"GET /" + "u".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 414 ");
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void rawNonAsciiBytesInPathAndQueryReachTheEnvironAsIsoLatin1() {
		byte[] request = "GET /caf\u00c3\u00a9?q=\u00c3\u00a9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
			.getBytes(StandardCharsets.ISO_8859_1);
		String response = RawHttp.exchange(this.port, new String(request, StandardCharsets.ISO_8859_1));
		assertThat(response).startsWith("HTTP/1.1 200");
		byte[] body = response.substring(response.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1);
		assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("legacy GET |/café");
	}

	@Test
	void conflictingContentLengthsAreRejected() {
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n"
				+ "Content-Length: 5\r\nConnection: close\r\n\r\nabcde");
		assertThat(response).startsWith("HTTP/1.1 400 ");
		assertThat(this.app.threadsOf("call")).isEmpty();
	}

	@Test
	void clientDisconnectMidUploadFreesTheWorkerAndClosesTheBody() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.write(new byte[100_000]);
			out.flush();
			await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.scheduler.getActiveCount() == 0);
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void clientDisconnectMidDownloadFreesTheWorkerAndClosesTheBody() throws Exception {
		HttpResponse<InputStream> response = this.http.client()
			.send(HttpRequest.newBuilder(this.http.uri("/stream?n=10000000")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
		try (InputStream body = response.body()) {
			assertThat(body.readNBytes(1000)).hasSize(1000);
			assertThat(this.scheduler.getActiveCount()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.app.closes.get() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.scheduler.getActiveCount() == 0);
	}

	@Test
	void concurrentRequestsRunInParallelOnThePool() throws Exception {
		// Tornado's test_concurrent_wsgi_app: two requests that can only finish together.
		this.app.barrier = new CyclicBarrier(2);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			responses.add(this.http.client()
				.sendAsync(HttpRequest.newBuilder(this.http.uri("/barrier")).build(), HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.get(15, TimeUnit.SECONDS).body()).isEqualTo("met");
		}
	}

	@Test
	void concurrentStreamingResponsesIterateInParallel() throws Exception {
		// Tornado's test_concurrent_streaming_wsgi_app: each chunk of one waits for a chunk of the other.
		this.app.barrier = new CyclicBarrier(2);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			responses.add(this.http.client()
				.sendAsync(HttpRequest.newBuilder(this.http.uri("/barrier-stream")).build(),
						HttpResponse.BodyHandlers.ofString()));
		}
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			assertThat(response.get(15, TimeUnit.SECONDS).body()).isEqualTo("step0;step1;step2;");
		}
	}

	@Test
	void pathQuotingDecodesOnce() {
		// Tornado's test_path_quoting: %3F is a '?' in the path, not a query.
		assertThat(this.http.get("/path%3F?x=1").body()).isEqualTo("legacy GET |/path?");
	}

	@Test
	void serverAddsNoHeadersBeyondFraming() {
		HttpResponse<String> response = this.http.get("/no-headers");
		assertThat(response.headers().map().keySet()).containsExactlyInAnyOrder("content-type", "content-length");
	}

	private static String readUntil(InputStream in, String marker) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) >= 0) {
			out.write(b);
			if (out.toString(StandardCharsets.ISO_8859_1).endsWith(marker)) {
				break;
			}
		}
		return out.toString(StandardCharsets.ISO_8859_1);
	}

}
