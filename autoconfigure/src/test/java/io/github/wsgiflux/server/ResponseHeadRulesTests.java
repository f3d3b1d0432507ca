package io.github.wsgiflux.server;

import java.util.List;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.InvalidResponseException;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The gateway's response-header rules ({@link ResponseHead}) against the layer under it: Reactor Netty copies the
 * headers into Netty's validating {@code DefaultHttpHeaders}. For every byte 0x00-0xFF, leading, inside and trailing
 * a value (and in a name), what the gateway accepts Netty accepts, and what Netty refuses the gateway refuses first,
 * so that a refusal always gets the gateway's own 500 before anything is sent.
 */
class ResponseHeadRulesTests {

	/** What Reactor Netty's server puts response headers into. */
	private static HttpHeaders nettyHeaders() {
		return DefaultHttpHeadersFactory.headersFactory().newHeaders();
	}

	@Test
	void djangoCookieWithALeadingSpaceIsStrippedAsRfc9110Section5_5Says() {
		// What Django's SimpleCookie.output(header='') produces for every cookie.
		ResponseHead head = ResponseHead.of("200 OK",
				List.of(Header.of("Set-Cookie", " csrftoken=abc; expires=Sun, 28 Nov 2027 10:00:00 GMT; Path=/")));
		assertThat(head.headers).containsExactly(
				Header.of("Set-Cookie", "csrftoken=abc; expires=Sun, 28 Nov 2027 10:00:00 GMT; Path=/"));
	}

	@Test
	void optionalWhitespaceOnBothSidesIsNotPartOfTheFieldValue() {
		// RFC 9110 5.5: field-value = *field-content; OWS before and after it is not part of it.
		assertThat(ResponseHead.of("200 OK", List.of(Header.of("X-A", " \t a \t b \t "))).headers)
			.containsExactly(Header.of("X-A", "a \t b"));
		assertThat(ResponseHead.of("200 OK", List.of(Header.of("X-A", "   "))).headers)
			.containsExactly(Header.of("X-A", ""));
	}

	@Test
	void headersWithoutWhitespaceToStripAreKeptAsGiven() {
		List<Header> headers = List.of(Header.of("Content-Type", "text/plain"), Header.of("X-A", "b"));
		assertThat(ResponseHead.of("200 OK", headers).headers).isSameAs(headers);
	}

	@Test
	void contentLengthWithWhitespaceIsParsed() {
		assertThat(ResponseHead.of("200 OK", List.of(Header.of("Content-Length", " 10 "))).contentLength)
			.isEqualTo(10);
	}

	@Test
	void everyByteInAValueIsAcceptedByTheGatewayExactlyWhenNettyAcceptsTheStrippedValue() {
		for (int b = 0; b <= 0xFF; b++) {
			char c = (char) b;
			for (String value : new String[] { c + "x", "x" + c + "y", "x" + c }) {
				Throwable gateway = catchThrowable(() -> ResponseHead.of("200 OK", List.of(Header.of("X-Probe", value))));
				String stripped = ResponseHead.stripWhitespace(value);
				Throwable netty = catchThrowable(() -> nettyHeaders().add("X-Probe", stripped));
				assertThat(gateway == null)
					.as("byte 0x%02x in '%s': gateway %s, Netty %s", b, escape(value), gateway, netty)
					.isEqualTo(netty == null);
				if (gateway != null) {
					assertThat(gateway).isInstanceOf(InvalidResponseException.class);
				}
			}
		}
	}

	@Test
	void everyByteInANameIsAcceptedByTheGatewayExactlyWhenNettyAcceptsIt() {
		for (int b = 0; b <= 0xFF; b++) {
			String name = "X-" + (char) b;
			Throwable gateway = catchThrowable(() -> ResponseHead.of("200 OK", List.of(Header.of(name, "v"))));
			Throwable netty = catchThrowable(() -> nettyHeaders().add(name, "v"));
			assertThat(gateway == null)
				.as("byte 0x%02x in a name: gateway %s, Netty %s", b, gateway, netty)
				.isEqualTo(netty == null);
		}
	}

	@Test
	void charactersAboveIsoLatin1AreRefusedByTheGateway() {
		// Netty would write the low byte of such a char: a different value than the application meant.
		assertThatExceptionOfType(InvalidResponseException.class)
			.isThrownBy(() -> ResponseHead.of("200 OK", List.of(Header.of("X-A", "caf\u00e9 \u20ac"))))
			.withMessageContaining("outside ISO-8859-1");
	}

	private static String escape(String value) {
		StringBuilder escaped = new StringBuilder();
		for (char c : value.toCharArray()) {
			escaped.append((c < 0x20 || c >= 0x7F) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
		}
		return escaped.toString();
	}

}
