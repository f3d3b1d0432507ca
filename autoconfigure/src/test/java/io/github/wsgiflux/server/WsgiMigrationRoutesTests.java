package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.wsgiflux.test.TestWsgiApp;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route-by-route migration over a real port: {@code /actuator/wsgi/routes} lists the legacy traffic by route and
 * marks the routes a native handler now takes; {@code /actuator/wsgi/legacy-paths} switches a migrated route back
 * to the legacy application and forth again while it runs, without a failed request.
 */
@SpringBootTest(classes = WsgiMigrationRoutesTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=wsgi",
				"management.endpoint.wsgi.access=unrestricted", "wsgi.routing.legacy-paths=/configured/**" })
@ExtendWith(OutputCaptureExtension.class)
class WsgiMigrationRoutesTests extends WsgiServerTestSupport {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Autowired
	private LegacyPaths legacyPaths;

	@AfterEach
	void restoreLegacyPaths() {
		this.legacyPaths.getPatterns().forEach(this.legacyPaths::remove);
		this.legacyPaths.add("/configured/**");
	}

	@Test
	void routesReportListsLegacyTrafficByMethodAndTemplate() {
		for (int id = 1; id <= 3; id++) {
			assertThat(this.http.get("/report/entries/" + id).statusCode()).isEqualTo(200);
		}
		this.http.get("/report/entries/123e4567-e89b-12d3-a456-426614174000");
		this.http.post("/report/entries/9", "text/plain", "x");
		this.http.get("/fail-before");
		route("GET", "/fail-before", 1);
		JsonNode entries = route("GET", "/report/entries/{id}", 4);
		route("POST", "/report/entries/{id}", 1);
		JsonNode mount = routes().path("mounts").get(0);
		assertThat(mount.path("path").asString()).isEqualTo("/");
		assertThat(mount.path("name").asString()).isEqualTo("testWsgiApp");
		assertThat(mount.path("maxTemplates").asInt()).isEqualTo(500);
		assertThat(entries.path("statuses").path("2xx").asLong()).isEqualTo(4);
		assertThat(entries.path("statuses").path("5xx").asLong()).isZero();
		assertThat(entries.path("lastSeen").asString()).isNotBlank();
		assertThat(entries.path("p50Millis").asDouble()).isPositive();
		assertThat(entries.path("p99Millis").asDouble()).isGreaterThanOrEqualTo(entries.path("p50Millis").asDouble());
		assertThat(entries.path("shadowed").asBoolean()).isFalse();
		assertThat(entries.path("nativeHandler").isNull()).isTrue();
		assertThat(route(mount, "GET", "/fail-before").path("statuses").path("5xx").asLong()).isEqualTo(1);
		assertThat(mount.path("other").path("template").asString()).isEqualTo("other");
		assertThat(routes().path("legacyPaths").get(0).asString()).isEqualTo("/configured/**");
	}

	@Test
	void routeANativeHandlerTakesNowIsMarkedShadowedUnlessALegacyPathSendsItBack() {
		assertThat(this.http.get("/configured/5").body()).startsWith("legacy GET");
		assertThat(this.http.get("/moved/5").body()).isEqualTo("native /moved/5");
		addLegacyPath("/moved/**");
		assertThat(this.http.get("/moved/6").body()).startsWith("legacy GET");
		JsonNode rolledBack = route("GET", "/moved/{id}", 1);
		assertThat(rolledBack.path("nativeHandler").asString()).isEqualTo("routerFunctionMapping");
		assertThat(rolledBack.path("legacyPath").asString()).isEqualTo("/moved/**");
		assertThat(rolledBack.path("shadowed").asBoolean()).isFalse();
		removeLegacyPath("/moved/**");
		assertThat(this.http.get("/moved/7").body()).isEqualTo("native /moved/7");
		JsonNode shadowed = route("GET", "/moved/{id}", 1);
		assertThat(shadowed.path("shadowed").asBoolean()).isTrue();
		assertThat(shadowed.path("legacyPath").isNull()).isTrue();
		// The native route takes GET only: the legacy POST still reaches the legacy application.
		this.http.post("/configured/8", "text/plain", "x");
		assertThat(route("POST", "/configured/{id}", 1).path("shadowed").asBoolean()).isFalse();
	}

	@Test
	void legacyPathWinsOverAnExistingStaticResource() {
		// The README: matching paths go to the legacy application "even where a native handler exists".
		assertThat(this.http.get("/hello.txt").body()).doesNotStartWith("legacy GET");
		addLegacyPath("/hello.txt");
		assertThat(this.http.get("/hello.txt").body()).startsWith("legacy GET");
		removeLegacyPath("/hello.txt");
		assertThat(this.http.get("/hello.txt").body()).doesNotStartWith("legacy GET");
	}

	@Test
	void legacyPathsChangeIsLoggedWithWhoDidIt(CapturedOutput output) {
		addLegacyPath("/logged/**");
		assertThat(output).contains("WSGI legacy path /logged/** added by anonymous");
		assertThat(this.http.send(HttpRequest.newBuilder(this.http.uri("/actuator/wsgi/legacy-paths?pattern=/logged/**"))
			.DELETE()
			.build()).body()).contains("\"patterns\":[\"/configured/**\"]");
		assertThat(output).contains("WSGI legacy path /logged/** removed by anonymous");
	}

	@Test
	void invalidPatternOrSectionIsRefusedWith400() {
		assertThat(postLegacyPath("{\"pattern\":\"/a/{x\"}").statusCode()).isEqualTo(400);
		assertThat(postLegacyPath("{\"pattern\":\"no-slash\"}").statusCode()).isEqualTo(400);
		assertThat(postLegacyPath("{\"pattern\":\"/a\",\"action\":\"toggle\"}").statusCode()).isEqualTo(400);
		assertThat(this.http
			.post("/actuator/wsgi/routes", "application/json", "{\"pattern\":\"/a\"}")
			.statusCode()).isEqualTo(400);
		assertThat(this.http.get("/actuator/wsgi/nothing").statusCode()).isEqualTo(404);
		assertThat(this.legacyPaths.getPatterns()).containsExactly("/configured/**");
	}

	@Test
	void switchingBothWaysUnderLoadFailsNoRequestAndEachSideAnswersAfterItsSwitch() throws Exception {
		int clients = 6;
		AtomicInteger phase = new AtomicInteger();
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong answered = new AtomicLong();
		Map<String, Integer> failures = new ConcurrentHashMap<>();
		CountDownLatch done = new CountDownLatch(clients);
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			int client = c;
			Thread thread = new Thread(() -> {
				try {
					int i = 0;
					while (running.get()) {
						int before = phase.get();
						String path = "/migrated/" + (client * 1_000_000 + i++);
						HttpResponse<String> response = this.http.get(path);
						int after = phase.get();
						answered.incrementAndGet();
						if (response.statusCode() != 200) {
							failures.merge("status " + response.statusCode(), 1, Integer::sum);
							continue;
						}
						boolean legacy = response.body().startsWith("legacy GET");
						// Even phases are stable (odd ones: a switch is under way); the legacy path is in place after
						// an odd number of switches. A request sent and answered within one stable phase must come
						// from that phase's side.
						if (before == after && before % 2 == 0 && legacy != ((before / 2) % 2 == 1)) {
							failures.merge("phase " + before + " answered by " + (legacy ? "legacy" : "native"), 1,
									Integer::sum);
						}
					}
				}
				catch (RuntimeException ex) {
					failures.merge(ex.toString(), 1, Integer::sum);
				}
				finally {
					done.countDown();
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (int round = 0; round < 6; round++) {
			Thread.sleep(300);
			phase.incrementAndGet();
			if (round % 2 == 0) {
				addLegacyPath("/migrated/**");
			}
			else {
				removeLegacyPath("/migrated/**");
			}
			phase.incrementAndGet();
		}
		Thread.sleep(300);
		running.set(false);
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(failures).isEmpty();
		assertThat(answered.get()).isGreaterThan(100);
	}

	private void addLegacyPath(String pattern) {
		HttpResponse<String> response = postLegacyPath("{\"pattern\":\"" + pattern + "\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"" + pattern + "\"");
	}

	private void removeLegacyPath(String pattern) {
		HttpResponse<String> response = postLegacyPath("{\"pattern\":\"" + pattern + "\",\"action\":\"remove\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("\"" + pattern + "\"");
	}

	private HttpResponse<String> postLegacyPath(String body) {
		return this.http.post("/actuator/wsgi/legacy-paths", "application/json", body);
	}

	private JsonNode routes() {
		HttpResponse<String> response = this.http.get("/actuator/wsgi/routes");
		assertThat(response.statusCode()).isEqualTo(200);
		return json.readTree(response.body());
	}

	private static JsonNode route(JsonNode mount, String method, String template) {
		for (JsonNode route : mount.path("routes")) {
			if (route.path("method").asString().equals(method) && route.path("template").asString().equals(template)) {
				return route;
			}
		}
		throw new AssertionError("No route " + method + " " + template + " in " + mount);
	}

	/**
	 * The route once it counts {@code count} requests: the worker records a request just after it handed the
	 * response over, so the client may read the report first.
	 */
	private JsonNode route(String method, String template, long count) {
		JsonNode[] found = new JsonNode[1];
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			found[0] = route(routes().path("mounts").get(0), method, template);
			assertThat(found[0].path("count").asLong()).isEqualTo(count);
		});
		return found[0];
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		TestWsgiApp testWsgiApp() {
			return new TestWsgiApp();
		}

		@Bean
		RouterFunction<ServerResponse> migrated() {
			return RouterFunctions.route()
				.GET("/migrated/{id}",
						(request) -> ServerResponse.ok().bodyValue("native /migrated/" + request.pathVariable("id")))
				.GET("/moved/{id}",
						(request) -> ServerResponse.ok().bodyValue("native /moved/" + request.pathVariable("id")))
				.build();
		}

	}

}
