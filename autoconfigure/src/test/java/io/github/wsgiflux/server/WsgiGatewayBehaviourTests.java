package io.github.wsgiflux.server;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.wsgiflux.test.RawHttp;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's behaviour against a real port with the JDK HTTP client: environ, body streaming in both directions,
 * the PEP 3333 response rules and error handling.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class WsgiGatewayBehaviourTests extends WsgiServerTestSupport {

	@Test
	void environCarriesThePep3333KeysWithExactValues() {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.http.uri("/env?q=caf%C3%A9+au+lait&x=1"))
			.header("X-Custom", "one")
			.header("User-Agent", "wsgiflux-test")
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		Map<String, String> environ = parse(response.body());
		assertThat(environ).containsEntry("REQUEST_METHOD", "GET")
			.containsEntry("SCRIPT_NAME", "")
			.containsEntry("PATH_INFO", "/env")
			.containsEntry("QUERY_STRING", "q=caf%C3%A9+au+lait&x=1")
			.containsEntry("SERVER_NAME", "localhost")
			.containsEntry("SERVER_PORT", String.valueOf(this.port))
			.containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
			.containsEntry("REMOTE_ADDR", "127.0.0.1")
			.containsEntry("HTTP_X_CUSTOM", "one")
			.containsEntry("HTTP_USER_AGENT", "wsgiflux-test")
			.containsEntry("HTTP_HOST", "localhost:" + this.port)
			.containsEntry("wsgi.url_scheme", "http")
			.containsEntry("wsgi.version", "[1, 0]")
			.containsEntry("wsgi.input_terminated", "true")
			.containsEntry("decoded.q", "café au lait")
			.containsKey("REMOTE_PORT")
			.doesNotContainKeys("CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE");
		// CONTENT_LENGTH: the JDK 17 client sends "Content-Length: 0" on a GET, later ones send none (see
		// EnvironBuilderTests for the key's absence when the header is).
		assertThat(environ.get("thread")).startsWith("wsgi");
		assertThat(response.headers().firstValue("Content-Length"))
			.hasValue(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length));
		assertThat(response.headers().firstValue("Server")).isEmpty();
	}

	@Test
	void pathInfoIsPercentDecodedBytesAsIsoLatin1AndEnvironDecodesUtf8() {
		HttpResponse<String> response = this.http.get("/path/foo%20bar%C3%A9%2Fx");
		assertThat(response.body()).startsWith("legacy GET |");
		byte[] raw = response.body().getBytes(StandardCharsets.UTF_8);
		// The app wrote PATH_INFO's chars as ISO-8859-1 bytes: the original UTF-8 bytes come back.
		assertThat(new String(raw, StandardCharsets.UTF_8)).isEqualTo("legacy GET |/path/foo baré/x");
	}

	@Test
	void pathInfoOfEnvironShowsNativeStringAndDecodedForm() {
		Map<String, String> environ = parse(this.http.get("/env").body());
		assertThat(environ).containsEntry("decoded.path", "/env");
	}

	@Test
	void invalidPercentEncodingAndEncodedNulGet400AndTheServerKeepsServing(CapturedOutput output) {
		assertThat(RawHttp.exchange(this.port, "GET /bad%zzpath HTTP/1.1\r\nHost: localhost\r\n\r\n"))
			.startsWith("HTTP/1.1 400 ");
		assertThat(RawHttp.exchange(this.port, "GET /nul%00byte HTTP/1.1\r\nHost: localhost\r\n\r\n"))
			.startsWith("HTTP/1.1 400 ");
		// Reactor Netty rejects the malformed URI itself; the encoded NUL is refused by the environ builder.
		assertThat(output).contains("Encoded NUL (%00) in path '/nul%00byte'");
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void headerNamesWithUnderscoreAreDroppedAndRepeatedHeadersJoined() {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.http.uri("/env"))
			.header("X-User_Id", "attacker")
			.header("X-Multi", "a")
			.header("X-Multi", "b")
			.build());
		Map<String, String> environ = parse(response.body());
		assertThat(environ).doesNotContainKey("HTTP_X_USER_ID").containsEntry("HTTP_X_MULTI", "a,b");
	}

	@Test
	void requestBodyReachesTheAppWithContentHeaders() {
		HttpResponse<String> response = this.http.post("/echo", "text/plain", "hello body");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello body");
		assertThat(response.headers().firstValue("X-Content-Length")).hasValue("10");
	}

	@Test
	void chunkedRequestHasNoContentLengthAndIsReadToTheEnd() {
		HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.fromPublisher(
				HttpRequest.BodyPublishers.ofString("first line\nsecond line\nthird"));
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.http.uri("/echo"))
			.POST(chunked)
			.build());
		assertThat(response.body()).isEqualTo("first line\nsecond line\nthird");
		assertThat(response.headers().firstValue("X-Content-Length")).hasValue("null");
	}

	@Test
	void inputSupportsReadlineReadAndLineIteration() {
		HttpResponse<String> response = this.http.post("/lines", "text/plain", "alpha\nbeta\ngamma\ndelta");
		assertThat(response.body()).isEqualTo("first=alpha\nread3=bet\nline=a\nline=gamma\nline=deltaeof=0\n");
	}

	@Test
	void streamedBodyIsChunkedAndIteratedAndClosedOnTheWorkerThatRanTheApp() {
		HttpResponse<String> response = this.http.get("/stream?n=5");
		assertThat(response.body()).isEqualTo("chunk0;chunk1;chunk2;chunk3;chunk4;");
		assertThat(response.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.app.closes.get() == 1);
		String callThread = this.app.threadsOf("call").get(0);
		assertThat(callThread).startsWith("wsgi");
		assertThat(this.app.threadsOf("next")).hasSize(5).containsOnly(callThread);
		assertThat(this.app.threadsOf("close")).containsExactly(callThread);
	}

	@Test
	void writeCallableAndReturnedChunksAreSentInOrder() {
		HttpResponse<String> response = this.http.get("/write");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("one,two,three");
	}

	@Test
	void headSendsHeadersOnlyAndStillClosesTheBody() {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(this.http.uri("/stream?n=3"))
			.method("HEAD", HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEmpty();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.app.closes.get() == 1);
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void headOfASingleChunkBodyGetsItsContentLength() {
		// The application answers HEAD with a body of its own ("legacy HEAD |/"): its length, none of its bytes.
		String head = RawHttp.exchange(this.port, "HEAD / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertThat(head).startsWith("HTTP/1.1 200 ")
			.containsIgnoringCase("\r\ncontent-length: " + "legacy HEAD |/".length() + "\r\n")
			.endsWith("\r\n\r\n");
	}

	@Test
	void emptyBodyWith204HasNoBody() {
		HttpResponse<String> response = this.http.get("/empty");
		assertThat(response.statusCode()).isEqualTo(204);
		assertThat(response.body()).isEmpty();
	}

	@Test
	void fileWrapperStreamsAndClosesTheStream() {
		assertThat(this.http.get("/file").body()).isEqualTo("file content here");
		String worker = this.app.threadsOf("call").get(0);
		await().atMost(Duration.ofSeconds(30)).until(() -> !this.app.threadsOf("file-closed").isEmpty());
		assertThat(this.app.threadsOf("file-closed")).containsExactly(worker);
	}

	@Test
	void errorsStreamGoesToTheWsgiErrorsLoggerLineByLine(CapturedOutput output) {
		assertThat(this.http.get("/errors").body()).isEqualTo("logged");
		assertThat(output).contains("wsgi.errors").contains("first line").contains("second line");
	}

	@Test
	void exceptionBeforeHeadersGives500WithoutDetailsAndIsLoggedOnce(CapturedOutput output) {
		HttpResponse<String> response = this.http.get("/fail-before");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).isEqualTo("500 Internal Server Error\n")
			.doesNotContain("secret")
			.doesNotContain("Exception");
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("secret failure detail"));
		assertThat(output.getOut().split("WSGI application failed on GET /fail-before", -1)).hasSize(2);
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void exceptionAfterHeadersAbortsTheConnectionSoTheClientSeesATruncatedResponse(CapturedOutput output) {
		assertThatExceptionOfType(java.io.UncheckedIOException.class).isThrownBy(() -> this.http.get("/stream-fail"))
			.withCauseInstanceOf(IOException.class);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.app.closes.get() == 1);
		assertThat(output).contains("after the response started; aborting the connection");
		assertThat(this.http.get("/env").statusCode()).isEqualTo(200);
	}

	@Test
	void applicationThatNeverCallsStartResponseGets500(CapturedOutput output) {
		assertThat(this.http.get("/no-start").statusCode()).isEqualTo(500);
		assertThat(output).contains("without calling start_response");
	}

	@Test
	void applicationReturningNullGets500() {
		assertThat(this.http.get("/null").statusCode()).isEqualTo(500);
	}

	@Test
	void headerWithCrLfGets500AndALogNamingTheHeader(CapturedOutput output) {
		HttpResponse<String> response = this.http.get("/bad-header");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.headers().firstValue("Injected")).isEmpty();
		assertThat(output).contains("Invalid value of response header 'X-Bad'");
	}

	@Test
	void hopByHopHeaderGets500AndALogNamingTheHeader(CapturedOutput output) {
		assertThat(this.http.get("/hop-by-hop").statusCode()).isEqualTo(500);
		assertThat(output).contains("Hop-by-hop header 'Transfer-Encoding'");
	}

	@Test
	void invalidStatusLineGets500(CapturedOutput output) {
		assertThat(this.http.get("/bad-status").statusCode()).isEqualTo(500);
		assertThat(output).contains("Invalid status 'OK'");
	}

	@Test
	void secondStartWithoutExcInfoFails(CapturedOutput output) {
		assertThat(this.http.get("/start-twice").statusCode()).isEqualTo(500);
		assertThat(output).contains("a second call is only allowed with exc_info");
	}

	@Test
	void startWithExcInfoBeforeHeadersWereSentReplacesTheResponse() {
		HttpResponse<String> response = this.http.get("/exc-info");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).isEqualTo("replaced");
	}

	@Test
	void startWithExcInfoAfterHeadersWereSentRethrowsAndAborts(CapturedOutput output) {
		assertThatExceptionOfType(java.io.UncheckedIOException.class)
			.isThrownBy(() -> this.http.get("/exc-info-late"));
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().contains("java.io.IOException: late"));
	}

	@Test
	void declaredContentLengthThatDoesNotMatchASingleChunkGets500(CapturedOutput output) {
		assertThat(this.http.get("/length-mismatch").statusCode()).isEqualTo(500);
		assertThat(output).contains("declared Content-Length: 10 but produced 5 bytes");
	}

	@Test
	void clientThatGoesAwayMidStreamStillGetsTheBodyClosed() throws Exception {
		HttpResponse<java.io.InputStream> response = this.http.client()
			.send(HttpRequest.newBuilder(this.http.uri("/stream?n=1000000")).build(),
					HttpResponse.BodyHandlers.ofInputStream());
		try (java.io.InputStream body = response.body()) {
			assertThat(body.readNBytes(100)).hasSize(100);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.app.closes.get() == 1);
		// Backpressure holds the worker at about a thousand chunks (measured 769-1153) until its first write after the
		// disconnect fails; a gateway that went on iterating the body to its end would reach 1,000,000.
		assertThat(this.app.threadsOf("next")).hasSizeLessThan(100_000);
	}

	private static Map<String, String> parse(String body) {
		return body.lines()
			.filter((line) -> line.contains("="))
			.collect(Collectors.toMap((line) -> line.substring(0, line.indexOf('=')),
					(line) -> line.substring(line.indexOf('=') + 1), (a, b) -> b));
	}

}
