package io.github.wsgiflux.migration;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shadow comparison over a real port: each compared route differs (or not) in one way between the legacy application
 * and its native replacement; the client always gets the served side's answer, whatever the shadow does.
 */
@SpringBootTest(classes = ShadowCompareTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=wsgi", "wsgi.scheduler.thread-cap=2",
				"wsgi.scheduler.queue-capacity=1", "wsgi.migration.compare[0].path=/same",
				"wsgi.migration.compare[0].serve=native", "wsgi.migration.compare[1].path=/status",
				"wsgi.migration.compare[1].serve=native", "wsgi.migration.compare[2].path=/header",
				"wsgi.migration.compare[2].serve=native", "wsgi.migration.compare[2].headers=X-Version",
				"wsgi.migration.compare[3].path=/body", "wsgi.migration.compare[3].serve=native",
				"wsgi.migration.compare[4].path=/json", "wsgi.migration.compare[4].serve=native",
				"wsgi.migration.compare[5].path=/json-ignored", "wsgi.migration.compare[5].serve=native",
				"wsgi.migration.compare[5].ignore=/generatedAt", "wsgi.migration.compare[6].path=/legacy-fails",
				"wsgi.migration.compare[6].serve=native", "wsgi.migration.compare[7].path=/native-fails",
				"wsgi.migration.compare[7].serve=legacy", "wsgi.migration.compare[8].path=/busy",
				"wsgi.migration.compare[8].serve=native", "wsgi.migration.compare[9].path=/post",
				"wsgi.migration.compare[9].serve=native", "wsgi.migration.compare[10].path=/never",
				"wsgi.migration.compare[10].serve=native", "wsgi.migration.compare[10].sample-rate=0",
				"wsgi.migration.compare[11].path=/always", "wsgi.migration.compare[11].serve=legacy",
				"wsgi.migration.compare[11].sample-rate=1", "wsgi.migration.compare[12].path=/big",
				"wsgi.migration.compare[12].serve=native", "wsgi.migration.compare[12].max-body-size=1KB",
				"wsgi.migration.compare[13].path=/big-differs", "wsgi.migration.compare[13].serve=native",
				"wsgi.migration.compare[13].max-body-size=1KB", "wsgi.migration.compare[14].path=/flip",
				"wsgi.migration.compare[14].serve=native", "wsgi.migration.compare[15].path=/get-only",
				"wsgi.migration.compare[15].serve=native", "wsgi.migration.compare[16].path=/uncounted",
				"wsgi.migration.compare[16].serve=native",
				"wsgi.migration.compare[17].path=/gone", "wsgi.migration.compare[17].serve=native",
				"wsgi.migration.compare[18].path=/gone-shadow", "wsgi.migration.compare[18].serve=legacy",
				"wsgi.migration.compare[19].path=/gone-differs", "wsgi.migration.compare[19].serve=native",
				"wsgi.migration.compare[20].path=/candidate", "wsgi.migration.compare[20].serve=legacy" })
@ExtendWith(NettyLeaks.class)
class ShadowCompareTests {

	@LocalServerPort
	int port;

	@Autowired
	MigrationComparisons comparisons;

	@Autowired
	ShadowCompareTestApplication.LegacyRoutes legacy;

	@Autowired
	ShadowCompareTestApplication.NativeCalls nativeCalls;

	@Autowired
	BoundedWsgiScheduler scheduler;

	@Autowired
	MeterRegistry registry;

	Http http;

	@BeforeEach
	void client() {
		this.http = new Http(this.port);
	}

	@Test
	void alikeAnswersMatchAndBothSidesRanOnce() {
		assertThat(this.http.get("/same").body()).isEqualTo("hello");
		awaitCount("/same", ComparisonResult.MATCH, 1);
		assertThat(this.legacy.of("/same")).isEqualTo(1);
		assertThat(this.nativeCalls.of("/same")).isEqualTo(1);
		assertThat(count("/same", ComparisonResult.MISMATCH)).isZero();
	}

	@Test
	void differentStatusIsAMismatchAndTheClientGetsTheServedSide() {
		assertThat(this.http.get("/status").statusCode()).isEqualTo(201);
		await().atMost(Duration.ofSeconds(20)).until(() -> count("/status", ComparisonResult.MISMATCH) >= 1);
		assertThat(differences("/status")).containsExactly(new Difference("status", "200", "201"));
	}

	@Test
	void differentChosenHeaderIsAMismatch() {
		assertThat(this.http.get("/header").headers().firstValue("X-Version")).hasValue("2");
		awaitCount("/header", ComparisonResult.MISMATCH, 1);
		assertThat(differences("/header")).containsExactly(new Difference("header x-version", "1", "2"));
	}

	@Test
	void differentBodyIsAMismatchWithTheFirstDifferingByte() {
		assertThat(this.http.get("/body").body()).isEqualTo("hullo");
		awaitCount("/body", ComparisonResult.MISMATCH, 1);
		assertThat(differences("/body")).containsExactly(new Difference("body (first difference at byte 1)",
				"\"hello\" (5 bytes)", "\"hullo\" (5 bytes)"));
	}

	@Test
	void jsonBodiesAreComparedAsJsonAndTheDifferingPointerIsNamed() {
		this.http.get("/json");
		awaitCount("/json", ComparisonResult.MISMATCH, 1);
		// Member order and white space differ too, and do not count.
		assertThat(differences("/json"))
			.containsExactly(new Difference("body /generatedAt", "\"legacy\"", "\"native\""));
	}

	@Test
	void jsonBodiesThatDifferOnlyAtAnIgnoredPointerMatch() {
		this.http.get("/json-ignored");
		awaitCount("/json-ignored", ComparisonResult.MATCH, 1);
		assertThat(count("/json-ignored", ComparisonResult.MISMATCH)).isZero();
	}

	@Test
	void failingLegacyShadowCountsAsErrorAndNeverReachesTheClient() {
		HttpResponse<String> response = this.http.get("/legacy-fails");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello");
		awaitCount("/legacy-fails", ComparisonResult.ERROR, 1);
		assertThat(this.legacy.of("/legacy-fails")).isEqualTo(1);
		// Kept beside the mismatches, with what failed, for the actuator endpoint.
		assertThat(this.comparisons.report().mismatches()).anySatisfy((kept) -> {
			assertThat(kept.route()).isEqualTo("/legacy-fails");
			assertThat(kept.result()).isEqualTo("error");
			assertThat(kept.differences()).extracting(Difference::at).containsExactly("error");
		});
	}

	@Test
	void routeServedByLegacyUnderACompareEntryIsNotMarkedShadowedInTheRoutesReport() {
		// serve: legacy: the native handler exists but only runs in the shadow; the route still reaches legacy.
		assertThat(this.http.get("/candidate").body()).isEqualTo("hello");
		awaitCount("/candidate", ComparisonResult.MATCH, 1);
		assertThat(this.http.get("/actuator/wsgi/routes").body()).contains("\"template\":\"/candidate\"")
			.contains("\"nativeHandler\":\"routerFunctionMapping\",\"legacyPath\":\"/candidate\",\"shadowed\":false");
	}

	@Test
	void failingNativeShadowCountsAsErrorAndTheClientGetsTheLegacyAnswer() {
		HttpResponse<String> response = this.http.get("/native-fails");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello");
		awaitCount("/native-fails", ComparisonResult.ERROR, 1);
		assertThat(this.nativeCalls.of("/native-fails")).isEqualTo(1);
	}

	@Test
	void nativeClientErrorRaisedAsAnExceptionIsComparedByItsStatusAndMatchesTheLegacy404() {
		// RFC 9110 15.5.5: 404 is an answer, not a failure, on either side; the error handler renders the native one.
		assertThat(this.http.get("/gone").statusCode()).isEqualTo(404);
		awaitCount("/gone", ComparisonResult.MATCH, 1);
		assertThat(count("/gone", ComparisonResult.ERROR)).isZero();
		assertThat(this.legacy.of("/gone")).isEqualTo(1);
	}

	@Test
	void nativeShadowRaisingAClientErrorIsComparedByItsStatus() {
		HttpResponse<String> response = this.http.get("/gone-shadow");
		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).isEqualTo("no such entry");
		awaitCount("/gone-shadow", ComparisonResult.MATCH, 1);
		assertThat(this.nativeCalls.of("/gone-shadow")).isEqualTo(1);
	}

	@Test
	void nativeClientErrorAgainstALegacy200IsAStatusMismatchNamingTheException() {
		assertThat(this.http.get("/gone-differs").statusCode()).isEqualTo(404);
		awaitCount("/gone-differs", ComparisonResult.MISMATCH, 1);
		assertThat(differences("/gone-differs"))
			.containsExactly(new Difference("status", "200", "404 (raised ResponseStatusException)"));
	}

	@Test
	void legacyShadowIsSkippedWhenEveryWorkerIsTakenAndCausesNo503() throws Exception {
		long rejected = this.scheduler.getRejectedCount();
		this.legacy.release = new CountDownLatch(1);
		this.legacy.blocked = new CountDownLatch(2);
		List<CompletableFuture<HttpResponse<String>>> blocking = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				blocking.add(this.http.client()
					.sendAsync(HttpRequest.newBuilder(this.http.uri("/block")).build(),
							HttpResponse.BodyHandlers.ofString()));
			}
			assertThat(this.legacy.blocked.await(30, TimeUnit.SECONDS)).isTrue();
			for (int i = 0; i < 3; i++) {
				HttpResponse<String> response = this.http.get("/busy");
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("hello");
			}
			awaitCount("/busy", ComparisonResult.SKIPPED, 3);
			assertThat(this.scheduler.getQueuedCount()).isZero();
		}
		finally {
			this.legacy.release.countDown();
		}
		for (CompletableFuture<HttpResponse<String>> response : blocking) {
			assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		assertThat(this.scheduler.getRejectedCount()).isEqualTo(rejected);
		assertThat(this.legacy.of("/busy")).isZero();
		// Workers free again: the next one is compared.
		this.http.get("/busy");
		awaitCount("/busy", ComparisonResult.MATCH, 1);
	}

	@Test
	void postToAComparedPathRunsOnceWhenOnlyGetAndHeadAreCompared() {
		assertThat(this.http.post("/post", "text/plain", "entry").body()).isEqualTo("hello");
		assertThat(this.nativeCalls.of("/post")).isEqualTo(1);
		assertThat(this.legacy.of("/post")).isZero();
		assertThat(this.comparisons.report().routes()
			.stream()
			.filter((route) -> route.route().equals("/post"))
			.findFirst()
			.orElseThrow()
			.comparisons()).containsOnlyKeys("match", "mismatch", "error", "skipped")
			.allSatisfy((result, count) -> assertThat(count).isZero());
	}

	@Test
	void sampleRateZeroNeverComparesAndOneAlwaysDoes() {
		for (int i = 0; i < 5; i++) {
			this.http.get("/never");
			this.http.get("/always");
		}
		awaitCount("/always", ComparisonResult.MATCH, 5);
		assertThat(this.legacy.of("/never")).isZero();
		assertThat(this.nativeCalls.of("/never")).isEqualTo(5);
		assertThat(count("/never", ComparisonResult.MATCH)).isZero();
		// serve: legacy answers from the legacy application although a native handler exists.
		assertThat(this.legacy.of("/always")).isEqualTo(5);
		assertThat(this.nativeCalls.of("/always")).isEqualTo(5);
	}

	@Test
	void bodiesLargerThanTheBoundAreComparedByLengthAndHash() {
		assertThat(this.http.get("/big").body()).hasSize(3000);
		awaitCount("/big", ComparisonResult.MATCH, 1);
		this.http.get("/big-differs");
		awaitCount("/big-differs", ComparisonResult.MISMATCH, 1);
		List<Difference> differences = differences("/big-differs");
		assertThat(differences).hasSize(1);
		assertThat(differences.get(0).at()).isEqualTo("body (over 1024 bytes: length, SHA-256)");
		assertThat(differences.get(0).legacyValue()).startsWith("3000 bytes, ");
		assertThat(differences.get(0).legacyValue()).isNotEqualTo(differences.get(0).nativeValue());
	}

	@Test
	void mismatchesShowOnTheActuatorEndpointAndInTheCounter() {
		this.http.get("/status");
		await().atMost(Duration.ofSeconds(20)).until(() -> count("/status", ComparisonResult.MISMATCH) >= 1);
		String json = this.http.get("/actuator/wsgi/comparisons").body();
		assertThat(json).contains("\"route\":\"/status\"")
			.contains("\"served\":\"native\"")
			.contains("{\"at\":\"status\",\"legacyValue\":\"200\",\"nativeValue\":\"201\"}");
		assertThat(this.http.get("/actuator/wsgi/unknown").statusCode()).isEqualTo(404);
		FunctionCounter counter = this.registry.find("wsgi.migration.comparisons")
			.tags("route", "/status", "result", "mismatch")
			.functionCounter();
		assertThat(counter).isNotNull();
		assertThat(counter.count()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void switchChangedWhileTheRequestIsUnderWayServesTheSideTheFilterChoseAndShadowsTheOther() {
		// switchFlipper sends /flip to legacy after the filter read the switch (not switched) and before its mapping.
		assertThat(this.http.get("/flip").body()).isEqualTo("native");
		awaitCount("/flip", ComparisonResult.MISMATCH, 1);
		assertThat(count("/flip", ComparisonResult.MATCH)).isZero();
		assertThat(this.legacy.of("/flip")).isEqualTo(1);
		assertThat(this.nativeCalls.of("/flip")).isEqualTo(1);
	}

	@Test
	void headTheNativeRouteDoesNotMapIsServedByLegacyAndShadowedByTheNativeSideNeverByLegacyAgain() {
		// serve: native, but the native route maps GET only: the normal dispatch falls through to the WSGI mount.
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(this.http.uri("/get-only")).method("HEAD", HttpRequest.BodyPublishers.noBody())
				.build());
		assertThat(response.statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(20))
			.until(() -> count("/get-only", ComparisonResult.ERROR) + count("/get-only", ComparisonResult.MISMATCH)
					+ count("/get-only", ComparisonResult.MATCH) >= 1);
		assertThat(count("/get-only", ComparisonResult.MATCH)).isZero();
		assertThat(this.legacy.of("/get-only")).isEqualTo(1);
	}

	@Test
	void legacyShadowOfANativeServedRouteIsNoLegacyTrafficInTheRoutesReport() {
		assertThat(this.http.get("/uncounted").body()).isEqualTo("hello");
		awaitCount("/uncounted", ComparisonResult.MATCH, 1);
		assertThat(this.legacy.of("/uncounted")).isEqualTo(1);
		assertThat(this.http.get("/actuator/wsgi/routes").body()).contains("\"mounts\"")
			.doesNotContain("\"template\":\"/uncounted\"");
	}

	private void awaitCount(String route, ComparisonResult result, long count) {
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(count(route, result)).isEqualTo(count));
	}

	private long count(String route, ComparisonResult result) {
		return this.comparisons.getCount(route, result);
	}

	private List<Difference> differences(String route) {
		return this.comparisons.report()
			.mismatches()
			.stream()
			.filter((mismatch) -> mismatch.route().equals(route))
			.findFirst()
			.orElseThrow()
			.differences();
	}

}
