package io.github.wsgiflux.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.wsgiflux.sample.legacy.LegacyGuestbook;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample end to end on a real port: migrated routes are native, the rest is the legacy guestbook.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	LegacyGuestbook guestbook;

	final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@BeforeEach
	void checkServer() {
		assertThat(this.port).isPositive();
	}

	@Test
	void migratedRoutesAreServedNatively() throws Exception {
		assertThat(get("/stats").body()).contains("\"authors\":");
		assertThat(get("/about").body()).isEqualTo("native /about (@RestController)");
	}

	@Test
	void comparedStatsShowTheDeliberateDifferenceAndIgnoreTheTime() throws Exception {
		assertThat(get("/stats").body()).startsWith("{\"entries\":");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("/actuator/wsgi/comparisons").body())
				.contains("\"route\":\"/stats\"")
				.containsPattern("\\{\"at\":\"body /authors\",\"legacyValue\":\"\\(absent\\)\",\"nativeValue\":\"\\d+\"}")
				.doesNotContain("generatedAt"));
	}

	@Test
	void headOfTheMigratedStatsIsAnsweredNativelyAndComparedWithTheLegacyHead() throws Exception {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(uri("/stats")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
		// Served natively, the legacy HEAD as its shadow: status and Content-Type alike (a HEAD has no body to
		// compare), a match; the GETs differ in their body.
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(get("/actuator/wsgi/comparisons").body())
				.containsPattern("\\{\"route\":\"/stats\"[^}]*\"comparisons\":\\{\"match\":[1-9]"));
	}

	@Test
	void staticPageIsServedNatively() throws Exception {
		HttpResponse<String> response = get("/help.html");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("static resource, served natively");
	}

	@Test
	void rootAnswersAnIndexThatLinksTheGuestbookAndTheRoutesReport() throws Exception {
		HttpResponse<String> response = get("/");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("href=\"/entries\"").contains("href=\"/actuator/wsgi/routes\"");
	}

	@Test
	void formPostWithoutAuthorGets400WithAMessage() throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/entries"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("message=anonymous"))
			.build());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).isEqualTo("author is required\n");
	}

	@Test
	void routesReportListsTheLegacyRoutesAndTheSwitchSendsStatsBack() throws Exception {
		assertThat(get("/entries/999998").statusCode()).isEqualTo(404);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> get("/actuator/wsgi/routes").body().contains("\"template\":\"/entries/{id}\""));
		HttpResponse<String> switched = send(HttpRequest.newBuilder(uri("/actuator/wsgi/legacy-paths"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"pattern\":\"/stats\"}"))
			.build());
		try {
			assertThat(switched.statusCode()).isEqualTo(200);
			// The legacy page has no "authors": the native one added it (the difference the shadow comparison shows).
			assertThat(get("/stats").body()).contains("\"entries\"").doesNotContain("\"authors\"");
			// The compared route is served by legacy while switched back: the native handler runs as the shadow (not
			// the legacy application twice), and the mismatch says which side answered.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> get("/actuator/wsgi/comparisons").body().contains("\"served\":\"legacy\""));
		}
		finally {
			send(HttpRequest.newBuilder(uri("/actuator/wsgi/legacy-paths?pattern=/stats")).DELETE().build());
		}
		assertThat(get("/stats").body()).contains("\"entries\"", "\"authors\"");
	}

	@Test
	void actuatorHealthIsUp() throws Exception {
		assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"");
	}

	@Test
	void wsgiEndpointShowsTheRoutingChainWithTheMigratedRoutesFirst() throws Exception {
		String body = get("/actuator/wsgi").body();
		assertThat(body).contains("\"name\":\"legacyGuestbook\"")
			.containsSubsequence("\"routerFunctionMapping\"", "\"requestMappingHandlerMapping\"", "\"wsgiHandlerMapping\"",
					"\"resourceHandlerMapping\"");
	}

	@Test
	void formPostPersistsAndRedirectsToTheNewEntry() throws Exception {
		HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/entries"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("author=Ada+Lovelace&message=Hello%2C+engine%21"))
			.build());
		assertThat(created.statusCode()).isEqualTo(303);
		String location = created.headers().firstValue("Location").orElseThrow();
		assertThat(location).startsWith("/entries/");
		HttpResponse<String> entry = get(location);
		assertThat(entry.statusCode()).isEqualTo(200);
		assertThat(entry.body()).contains("Ada Lovelace").contains("Hello, engine!");
		assertThat(get("/entries").body()).contains("Ada Lovelace").contains("served by the legacy WSGI application");
	}

	@Test
	void jsonPostPersistsAndCanBeReadBack() throws Exception {
		HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/entries"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"author\":\"Grace\",\"message\":\"COBOL forever\"}"))
			.build());
		assertThat(created.statusCode()).isEqualTo(201);
		assertThat(created.body()).contains("\"author\":\"Grace\"");
		assertThat(get("/api/entries").body()).contains("\"message\":\"COBOL forever\"");
	}

	@Test
	void unknownIdGets404FromTheLegacyApp() throws Exception {
		HttpResponse<String> response = get("/entries/999999");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEqualTo("no such page in the legacy guestbook");
	}

	@Test
	void csvExportStreamsAllRowsAndClosesTheCursor() throws Exception {
		for (int i = 0; i < 50; i++) {
			send(HttpRequest.newBuilder(uri("/api/entries"))
				.POST(HttpRequest.BodyPublishers.ofString("{\"author\":\"bulk" + i + "\",\"message\":\"m\"}"))
				.build());
		}
		int closedBefore = this.guestbook.exportsClosed();
		HttpResponse<String> export = get("/export.csv");
		assertThat(export.statusCode()).isEqualTo(200);
		assertThat(export.headers().firstValue("Transfer-Encoding")).hasValue("chunked");
		assertThat(export.body()).startsWith("id,author,message\n");
		for (int i = 0; i < 50; i++) {
			assertThat(export.body()).contains("\"bulk" + i + "\"");
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.guestbook.exportsClosed() == closedBefore + 1);
	}

	HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).build());
	}

	HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
