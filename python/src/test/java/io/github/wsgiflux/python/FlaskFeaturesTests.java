package io.github.wsgiflux.python;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Flask features a team relies on, from Flask's documentation, over a real port with a client keeping cookies:
 * the application runs in two contexts, so every feature must hold whichever context answers.
 */
class FlaskFeaturesTests extends PythonServerTestSupport {

	private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

	private HttpClient browser;

	@BeforeEach
	void browser() {
		this.browser = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.cookieHandler(this.cookies)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	@Test
	void sessionIsKeptAcrossRequestsInTheSignedCookie() {
		assertThat(send(put("/flask/session/ada")).body()).isEqualTo("remembered");
		assertThat(send(get("/flask/session")).body()).isEqualTo("ada, visit 1");
		assertThat(send(get("/flask/session")).body()).isEqualTo("ada, visit 2");
		assertThat(send(get("/flask/session")).body()).isEqualTo("ada, visit 3");
		assertThat(this.http.get("/flask/session").body()).as("without the cookie").isEqualTo("nobody, visit 1");
	}

	@Test
	void multipartUploadReachesRequestFilesByteForByte() throws Exception {
		byte[] document = new byte[300_000];
		for (int i = 0; i < document.length; i++) {
			document[i] = (byte) (i * 31);
		}
		String boundary = "----wsgiflux" + System.nanoTime();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nQ4 r\u00e9sum\u00e9\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"document\"; filename=\"scan.bin\"\r\n"
				+ "Content-Type: application/octet-stream\r\n\r\n")
			.getBytes(StandardCharsets.UTF_8));
		body.write(document);
		body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = send(HttpRequest.newBuilder(this.http.uri("/flask/files"))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"filename\":\"scan.bin\"")
			.contains("\"content_type\":\"application/octet-stream\"")
			.contains("\"size\":300000")
			.contains("\"sha256\":\"" + sha256(document) + "\"")
			.contains("\"title\":\"Q4 r\\u00e9sum\\u00e9\"");
	}

	@Test
	void sendFileServesTheFileAsAnAttachmentAndAnswersConditionalRequests() throws IOException {
		String report = Files.readString(Path.of(PythonTestApplication.APPS, "flask_report.csv"));
		HttpResponse<String> response = send(get("/flask/report.csv"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(report);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
		assertThat(response.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=report.csv");
		assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(report.length());
		String etag = response.headers().firstValue("ETag").orElseThrow();
		HttpResponse<String> again = send(
				HttpRequest.newBuilder(this.http.uri("/flask/report.csv")).header("If-None-Match", etag).build());
		assertThat(again.statusCode()).isEqualTo(304);
		assertThat(again.body()).isEmpty();
	}

	@Test
	void streamWithContextKeepsTheRequestAndSessionWhileTheBodyStreams() {
		send(put("/flask/session/grace"));
		HttpResponse<String> response = send(get("/flask/greetings?who=world"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Length")).isEmpty();
		assertThat(response.body()).isEqualTo("hello world from grace");
	}

	@Test
	void urlForExternalNamesThisServerAndTheMountPath() {
		HttpResponse<String> response = send(get("/flask/links"));
		assertThat(response.body()).contains("\"report\":\"http://localhost:" + this.port + "/flask/report.csv\"")
			.contains("\"here\":\"/flask/links?page=2\"");
	}

	@Test
	void errorHandlersAnswerForTheirExceptionAndHttpExceptionsKeepFlasksDefault() {
		HttpResponse<String> quota = send(get("/flask/quota"));
		assertThat(quota.statusCode()).isEqualTo(429);
		assertThat(quota.headers().firstValue("Retry-After")).hasValue("30");
		assertThat(quota.body()).isEqualTo("quota exceeded: 10 uploads a day");
		HttpResponse<String> forbidden = send(get("/flask/forbidden"));
		assertThat(forbidden.statusCode()).isEqualTo(403);
		assertThat(forbidden.body()).contains("<title>403 Forbidden</title>");
	}

	@Test
	void wsgiMultiprocessIsTrueForAnApplicationInTwoContexts() {
		assertThat(send(get("/flask/wsgi")).body()).isEqualTo("{\"multiprocess\":true,\"multithread\":true}\n");
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(this.http.uri(path)).GET().build();
	}

	private HttpRequest put(String path) {
		return HttpRequest.newBuilder(this.http.uri(path)).PUT(HttpRequest.BodyPublishers.noBody()).build();
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.browser.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(request.uri().toString(), ex);
		}
	}

	private static String sha256(byte[] data) throws NoSuchAlgorithmException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

}
