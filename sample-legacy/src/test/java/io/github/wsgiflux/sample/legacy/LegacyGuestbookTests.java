package io.github.wsgiflux.sample.legacy;

import java.util.UUID;

import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.client.WsgiTestClient;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy guestbook tested as its team would, with no server and no Spring context: {@link WsgiTestClient} drives
 * it through the real gateway, mounted under {@code /guestbook}, every call checked against PEP 3333.
 */
class LegacyGuestbookTests {

	private LegacyGuestbook guestbook;

	private WebTestClient client;

	@BeforeEach
	void newGuestbook() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		this.guestbook = new LegacyGuestbook(dataSource);
		this.client = WsgiTestClient.bindTo(new WsgiMount("/guestbook", "guestbook", this.guestbook));
	}

	@Test
	void aFormPostRedirectsToTheNewEntryUnderTheMountPath() {
		String location = this.client.post()
			.uri("/guestbook/entries")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("author=Ada+%3Cb%3E&message=Hello%21")
			.exchange()
			.expectStatus()
			.isSeeOther()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		assertThat(location).startsWith("/guestbook/entries/");
		String page = this.client.get().uri(location).exchange().expectStatus().isOk().returnResult(String.class)
			.getResponseBody()
			.blockLast();
		assertThat(page).contains("Ada &lt;b&gt;").contains("Hello!");
	}

	@Test
	void aFormPostWithoutAuthorIsAnswered400WithAMessage() {
		this.client.post()
			.uri("/guestbook/entries")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("message=Hello%21")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentType("text/plain;charset=utf-8")
			.expectBody(String.class)
			.isEqualTo("author is required\n");
		this.client.post()
			.uri("/guestbook/entries")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("author=+&message=Hello%21")
			.exchange()
			.expectStatus()
			.isBadRequest();
		this.client.get()
			.uri("/guestbook/api/entries")
			.exchange()
			.expectBody(String.class)
			.isEqualTo("[]");
	}

	@Test
	void aJsonPostWithoutMessageIsAnswered400WithAMessage() {
		this.client.post()
			.uri("/guestbook/api/entries")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"author\":\"Grace\"}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.isEqualTo("message is required\n");
	}

	@Test
	void malformedJsonIsAnswered400WithWhereItBroke() {
		// RFC 9110 15.5.1: the client's error, not a 500 of the application.
		this.client.post()
			.uri("/guestbook/api/entries")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"author\":")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).startsWith("Invalid JSON at offset "));
	}

	@Test
	void theJsonApiCreatesAndListsEntries() {
		this.client.post()
			.uri("/guestbook/api/entries")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"author\":\"Grace\",\"message\":\"COBOL lives\"}")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.contentType(MediaType.APPLICATION_JSON)
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).contains("\"author\":\"Grace\""));
		this.client.get()
			.uri("/guestbook/api/entries")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.consumeWith((result) -> assertThat(result.getResponseBody()).startsWith("[{")
				.contains("\"message\":\"COBOL lives\""));
	}

	@Test
	void theCsvExportStreamsEveryRowAndClosesItsCursor() {
		for (int i = 0; i < 50; i++) {
			this.client.post()
				.uri("/guestbook/api/entries")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"author\":\"a" + i + "\",\"message\":\"m\"}")
				.exchange()
				.expectStatus()
				.isCreated();
		}
		byte[] csv = this.client.get()
			.uri("/guestbook/export.csv")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		assertThat(new String(csv, java.nio.charset.StandardCharsets.UTF_8).lines()).hasSize(51);
		assertThat(this.guestbook.exportsClosed()).isEqualTo(1);
	}

	@Test
	void anUnknownEntryIs404AndAPathOutsideTheMountNeverReachesTheGuestbook() {
		this.client.get().uri("/guestbook/entries/999").exchange().expectStatus().isNotFound();
		this.client.get().uri("/elsewhere").exchange().expectStatus().isNotFound();
	}

}
