package io.github.wsgiflux.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link HostAndPort}: RFC 9110 7.2 {@code Host = uri-host [ ":" port ]}, with RFC 3986 3.2.2's reg-name (not
 * {@code java.net.URI}'s stricter server-based authority).
 */
class HostAndPortTests {

	@ParameterizedTest
	@CsvSource({ "legacy_app:8080, legacy_app, 8080", "example.org, example.org, -1", "a:, a, -1",
			"[::1]:8080, ::1, 8080", "[::1], ::1, -1", "127.0.0.1:0, 127.0.0.1, 0", "x~y!$&'()*+;=:65535, x~y!$&'()*+;=, 65535",
			"caf%C3%A9, caf%C3%A9, -1" })
	void validAuthorities(String value, String host, int port) throws Exception {
		HostAndPort parsed = HostAndPort.parse(value, "Host");
		assertThat(parsed.host()).isEqualTo(host);
		assertThat(parsed.port()).isEqualTo(port);
	}

	@ParameterizedTest
	@ValueSource(strings = { ":8080", "a b", "a/b", "u@a", "a:65536", "a:123456", "a:8x", "a:+80", "[::1", "[]",
			"[::1]x", "a:b:c", "\u00e9", "a\"b", "[::1]:8x" })
	void invalidAuthorities(String value) {
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> HostAndPort.parse(value, "Host"))
			.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(400));
	}

}
