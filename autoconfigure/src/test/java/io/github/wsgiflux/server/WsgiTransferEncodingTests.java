package io.github.wsgiflux.server;

import io.github.wsgiflux.test.RawHttp;
import io.github.wsgiflux.test.TestApplication;
import io.github.wsgiflux.test.WsgiServerTestSupport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Transfer-Encoding} as RFC 9112 allows it, checked before any handler: Netty's decoder reads a request whose
 * final coding is not {@code chunked} as bodiless, and its body as the next request (request smuggling).
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WsgiTransferEncodingTests extends WsgiServerTestSupport {

	@Test
	void aFinalCodingOtherThanChunkedIs400AndTheBytesAfterItAreNoRequest() {
		// RFC 9112 6.3, item 4: the server MUST respond 400 and then close the connection.
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n"
				+ "\r\nGET /env?smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 400 ").contains("connection: close").doesNotContain("smuggled");
		assertThat(this.app.events).isEmpty();
	}

	@Test
	void chunkedAppliedTwiceIs400() {
		// RFC 9112 7: a sender MUST NOT apply chunked more than once.
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: a\r\n"
				+ "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxx\r\n0\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 400 ");
		assertThat(this.app.events).isEmpty();
	}

	@Test
	void aCodingTheServerDoesNotDecodeBeforeChunkedIs501() {
		// RFC 9112 6.1: a transfer coding the server does not understand SHOULD get 501.
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: a\r\n"
				+ "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\nxx\r\n0\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 501 ");
		assertThat(this.app.events).isEmpty();
	}

	@Test
	void chunkedAloneOrAfterEmptyListElementsIsServed() {
		// RFC 9110 5.6.1: empty list elements are allowed and do not count.
		String response = RawHttp.exchange(this.port, "POST /echo HTTP/1.1\r\nHost: a\r\n"
				+ "Transfer-Encoding: , chunked\r\nConnection: close\r\n\r\n2\r\nxx\r\n0\r\n\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("xx");
	}

}
