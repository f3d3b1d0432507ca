package io.github.wsgiflux.test.client;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-process client: requests reach the application through the real gateway (environ, worker thread,
 * response publishing), and what the validator finds wrong answers 500 naming the violation.
 */
class WsgiTestClientTests {

	private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain; charset=utf-8"));

	/** Answers what it saw: the method, SCRIPT_NAME, PATH_INFO, QUERY_STRING, the host and the body it read. */
	private static final WsgiApplication ECHO = (environ, start) -> {
		WsgiInput input = (WsgiInput) environ.get(Environ.WSGI_INPUT);
		String body = new String(input.readAllBytes(), StandardCharsets.UTF_8);
		String text = environ.get(Environ.REQUEST_METHOD) + " script=" + environ.get(Environ.SCRIPT_NAME) + " path="
				+ environ.get(Environ.PATH_INFO) + " query=" + environ.get(Environ.QUERY_STRING) + " server="
				+ environ.get(Environ.SERVER_NAME) + ":" + environ.get(Environ.SERVER_PORT) + " host="
				+ environ.get("HTTP_HOST") + " thread="
				+ Thread.currentThread().getName() + " body=" + body;
		start.start("200 OK", TEXT);
		return List.of(text.getBytes(StandardCharsets.UTF_8));
	};

	@Test
	void aRequestReachesTheApplicationOnAWorkerWithTheEnvironOfTheGateway() {
		WsgiTestClient.bindTo(ECHO)
			.post()
			.uri("/orders/42?page=2")
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("hello")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("text/plain;charset=utf-8")
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).startsWith("POST script= path=/orders/42 query=page=2 server=localhost:80 host=localhost ")
				.contains("thread=wsgi-test")
				.endsWith("body=hello"));
	}

	/** Answers the request's HTTP_* keys, one "KEY=value" line each, sorted. */
	private static final WsgiApplication HEADERS = (environ, start) -> {
		StringBuilder text = new StringBuilder();
		environ.keySet().stream().filter((key) -> key.startsWith("HTTP_")).sorted().forEach((key) -> text.append(key)
			.append('=')
			.append(environ.get(key))
			.append('\n'));
		start.start("200 OK", TEXT);
		return List.of(text.toString().getBytes(StandardCharsets.UTF_8));
	};

	@Test
	void theEnvironHoldsTheRequestsHeadersAsAServerReceivesThemAndNoneOfTheClientsOwn() {
		// RFC 9110 5.5: the whitespace around a value is not part of it (Reactor Netty strips it on the wire);
		// WebTestClient's own WebTestClient-Request-Id header is no header the application's clients send.
		WsgiTestClient.bindTo(HEADERS)
			.get()
			.uri("/")
			.header("X-Tag", "  v1\t")
			.header("Cookie", " a=1 ", "b=2")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.isEqualTo("HTTP_COOKIE=a=1; b=2\nHTTP_HOST=localhost\nHTTP_X_TAG=v1\n");
	}

	@Test
	void aHeaderValueTheWireWouldRefuseIsRefusedWith400NotBlamedOnTheServer() {
		// A control character: Reactor Netty answers 400 on the wire; a character over U+00FF cannot come from the
		// wire at all (field values are bytes, read as ISO-8859-1).
		for (String value : new String[] { "a\u0001b", "caf\u20AC" }) {
			WsgiTestClient.bindTo(HEADERS)
				.get()
				.uri("/")
				.header("X-Bad", value)
				.exchange()
				.expectStatus()
				.isBadRequest();
		}
	}

	@Test
	void aMountPathBecomesScriptNameAndRequestsOutsideItAre404() {
		WebTestClient client = WsgiTestClient.bindTo(new WsgiMount("/legacy", "legacy", ECHO));
		client.get()
			.uri("http://shop.example:8080/legacy/cart")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).startsWith("GET script=/legacy path=/cart query= server=shop.example:8080 host=shop.example:8080 "));
		client.get()
			.uri("/legacy/cart")
			.header("Host", "legacy.example:8443")
			.exchange()
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody())
				.contains("server=legacy.example:8443 host=legacy.example:8443 "));
		client.get().uri("/elsewhere").exchange().expectStatus().isNotFound();
	}

	@Test
	void aStreamedBodyArrivesWhole() {
		WsgiApplication stream = (environ, start) -> {
			start.start("200 OK", TEXT);
			return () -> List.of("a".repeat(100_000).getBytes(StandardCharsets.US_ASCII), "b".getBytes(
					StandardCharsets.US_ASCII)).iterator();
		};
		WsgiTestClient.bindTo(stream)
			.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).hasSize(100_001).endsWith("ab"));
	}

	@Test
	void aPep3333ViolationAnswers500NamingIt() {
		// PEP 3333: a hop-by-hop header is the server's business, never the application's.
		WsgiApplication hopByHop = (environ, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Connection", "close")));
			return List.of();
		};
		WsgiTestClient.bindTo(hopByHop)
			.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).contains("WsgiViolation").containsIgnoringCase("hop-by-hop"));
	}

	@Test
	void anApplicationFailureIs500WithItsException() {
		WsgiApplication failing = (environ, start) -> {
			throw new IllegalStateException("no such table: entries");
		};
		WsgiTestClient.bindTo(failing)
			.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isEqualTo(500)
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).contains("IllegalStateException: no such table: entries"));
	}

	@Test
	void theEnvironPassesTheValidatorForEveryMethod() {
		Map<String, Integer> statuses = new java.util.LinkedHashMap<>();
		WebTestClient client = WsgiTestClient.bindTo(ECHO);
		for (String method : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
			statuses.put(method, client.method(org.springframework.http.HttpMethod.valueOf(method))
				.uri("/x")
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value());
		}
		assertThat(statuses).allSatisfy((method, status) -> assertThat(status).as(method).isEqualTo(200));
	}

}
