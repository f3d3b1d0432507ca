package io.github.wsgiflux.server;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Unit tests of {@link EnvironBuilder}: the exact PEP 3333 values for paths, mounts, hosts and headers.
 */
class EnvironBuilderTests {

	private final WsgiInput input = new WsgiInput(new ByteArrayInputStream(new byte[0]));

	@Test
	void pathInfoIsPercentDecodedBytesSeenAsIsoLatin1() throws Exception {
		Map<String, Object> environ = build("/", raw(HttpMethod.GET, "/path/foo%20bar%C3%A9").build());
		assertThat(environ).containsEntry(Environ.PATH_INFO, "/path/foo bar\u00c3\u00a9")
			.containsEntry(Environ.SCRIPT_NAME, "");
		assertThat(Environ.of(environ).pathInfo()).isEqualTo("/path/foo baré");
	}

	@Test
	void encodedSlashDecodesToSlash() throws Exception {
		Map<String, Object> environ = build("/", raw(HttpMethod.GET, "/a%2Fb").build());
		assertThat(environ).containsEntry(Environ.PATH_INFO, "/a/b");
	}

	@Test
	void mountPathBecomesScriptName() throws Exception {
		assertThat(build("/legacy", MockServerHttpRequest.get("/legacy/a").build()))
			.containsEntry(Environ.SCRIPT_NAME, "/legacy")
			.containsEntry(Environ.PATH_INFO, "/a");
		assertThat(build("/legacy", MockServerHttpRequest.get("/legacy").build()))
			.containsEntry(Environ.SCRIPT_NAME, "/legacy")
			.containsEntry(Environ.PATH_INFO, "");
		assertThat(build("/legacy/", MockServerHttpRequest.get("/legacy/").build()))
			.containsEntry(Environ.SCRIPT_NAME, "/legacy")
			.containsEntry(Environ.PATH_INFO, "/");
	}

	@Test
	void scriptNameIncludesTheWebFluxContextPathAndIsNeverASlash() throws Exception {
		assertThat(build("/", MockServerHttpRequest.get("/app/x").contextPath("/app").build()))
			.containsEntry(Environ.SCRIPT_NAME, "/app")
			.containsEntry(Environ.PATH_INFO, "/x");
		assertThat(build("/", MockServerHttpRequest.get("/").build())).containsEntry(Environ.SCRIPT_NAME, "")
			.containsEntry(Environ.PATH_INFO, "/");
	}

	@Test
	void invalidPercentEncodingAndEncodedNulAreRejected() {
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> EnvironBuilder.decodePath("/a%2"))
			.withMessageContaining("Invalid percent-encoding");
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> EnvironBuilder.decodePath("/a%G1"))
			.withMessageContaining("Invalid percent-encoding");
		assertThatExceptionOfType(InvalidRequestException.class).isThrownBy(() -> EnvironBuilder.decodePath("/%00"))
			.withMessageContaining("NUL");
	}

	@Test
	void queryStringIsRawAndContentHeadersAreCgiKeysOnly() throws Exception {
		Map<String, Object> environ = build("/", raw(HttpMethod.POST, "/p?a=%20b&c")
			.header("Content-Type", "text/plain")
			.header("Content-Length", "3")
			.body("abc"));
		assertThat(environ).containsEntry(Environ.QUERY_STRING, "a=%20b&c")
			.containsEntry(Environ.CONTENT_TYPE, "text/plain")
			.containsEntry(Environ.CONTENT_LENGTH, "3")
			.doesNotContainKeys("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH");
		assertThat(Environ.of(environ).queryParameters()).containsEntry("a", java.util.List.of(" b"))
			.containsEntry("c", java.util.List.of(""));
	}

	@Test
	void absentQueryAndBodyHeadersGiveEmptyQueryAndNoContentKeys() throws Exception {
		Map<String, Object> environ = build("/", MockServerHttpRequest.get("/p").build());
		assertThat(environ).containsEntry(Environ.QUERY_STRING, "")
			.doesNotContainKeys(Environ.CONTENT_TYPE, Environ.CONTENT_LENGTH);
	}

	@Test
	void repeatedCookieLinesAreJoinedAsCookieCrumbsNotAsAList() throws Exception {
		// Cookie is not a list field (RFC 9110 5.3, RFC 6265 5.4): joined as HTTP/2 joins crumbs (RFC 9113 8.2.3).
		Map<String, Object> environ = build("/", MockServerHttpRequest.get("/").header("Cookie", "a=1", "b=2").build());
		assertThat(environ).containsEntry("HTTP_COOKIE", "a=1; b=2");
	}

	@Test
	void repeatedHeadersAreJoinedAndUnderscoreNamesDropped() throws Exception {
		Map<String, Object> environ = build("/", MockServerHttpRequest.get("/")
			.header("Accept", "text/html", "application/json")
			.header("X-User_Id", "evil")
			.header("X-User-Id", "good")
			.build());
		assertThat(environ).containsEntry("HTTP_ACCEPT", "text/html,application/json")
			.containsEntry("HTTP_X_USER_ID", "good");
	}

	@Test
	void whitespaceAroundAValueIsNotPartOfItAsRfc9110Section55Says() throws Exception {
		// RFC 9110 5.5: "a field value does not include leading or trailing whitespace". Reactor Netty's HTTP/1.1
		// decoder strips it; a request it did not parse (this mock, the test client) gets the same environ.
		Map<String, Object> environ = build("/", MockServerHttpRequest.get("/")
			.header("X-Sp", "  v1  ")
			.header("X-Tab", "\tv2\t")
			.header("Accept", "a ", "  b")
			.header("Cookie", " a=1 ", "\tb=2")
			.header("Content-Type", "  text/plain  ")
			.header("Host", "  example.org:8081  ")
			.header("X-Inner", "a \t b")
			.build());
		assertThat(environ).containsEntry("HTTP_X_SP", "v1")
			.containsEntry("HTTP_X_TAB", "v2")
			.containsEntry("HTTP_ACCEPT", "a,b")
			.containsEntry("HTTP_COOKIE", "a=1; b=2")
			.containsEntry(Environ.CONTENT_TYPE, "text/plain")
			.containsEntry("HTTP_HOST", "example.org:8081")
			.containsEntry(Environ.SERVER_NAME, "example.org")
			.containsEntry(Environ.SERVER_PORT, "8081")
			.containsEntry("HTTP_X_INNER", "a \t b");
	}

	@Test
	void aValueWithAControlCharacterOrACharacterThatIsNotAByteIsRefusedWith400() {
		// RFC 9110 5.5: field-value = *field-content, of VCHAR, obs-text (%x80-FF), SP and HTAB; Reactor Netty
		// answers 400 to the others on the wire, so a request it did not parse gets 400 too.
		for (String value : new String[] { "a\u0001b", "a\u0000", "a\rb", "a\u007Fb", "caf\u20AC" }) {
			assertThatExceptionOfType(InvalidRequestException.class)
				.isThrownBy(() -> build("/", MockServerHttpRequest.get("/").header("X-Bad", value).build()))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(400))
				.withMessageContaining("'X-Bad'")
				.withMessageContaining("RFC 9110 5.5");
		}
		// obs-text, as the wire's ISO-8859-1 gives it: allowed (PEP 3333 native strings).
		assertThatNoException().isThrownBy(() -> build("/", MockServerHttpRequest.get("/").header("X-Ok", "caf\u00e9").build()));
	}

	@Test
	void anEmptyCookieLineAddsNoEmptyCookiePair() throws Exception {
		// RFC 6265 5.4: the Cookie header is cookie-pairs joined by "; ", none of them empty.
		assertThat(build("/", MockServerHttpRequest.get("/").header("Cookie", "a=1", "").build()))
			.containsEntry("HTTP_COOKIE", "a=1");
		assertThat(build("/", MockServerHttpRequest.get("/").header("Cookie", "", "b=2").build()))
			.containsEntry("HTTP_COOKIE", "b=2");
		assertThat(build("/", MockServerHttpRequest.get("/").header("Cookie", "").build()))
			.containsEntry("HTTP_COOKIE", "");
	}

	@Test
	void cookieCrumbsJoinedByTheHttp2LayerLoseOnlyTheirEmptyPairs() {
		// RFC 9113 8.2.3: crumbs are joined with "; "; an empty crumb leaves an empty pair RFC 6265 5.4 never sends.
		// Every other pair stays as sent, as a single Cookie line over HTTP/1.1 does.
		for (String sent : new String[] { "a=1; b=2", "a=1;b=2", "a=1;\tb=2", "a=1 ; b=2", "a=\"x ;y\"" }) {
			assertThat(EnvironHeaders.cookiePairs(sent)).isSameAs(sent);
		}
		assertThat(EnvironHeaders.cookiePairs("a=1; ")).isEqualTo("a=1");
		assertThat(EnvironHeaders.cookiePairs("a=1 ")).isEqualTo("a=1");
		assertThat(EnvironHeaders.cookiePairs("a=1; ; b=2")).isEqualTo("a=1; b=2");
		assertThat(EnvironHeaders.cookiePairs("a=1;   ;\t; b=2")).isEqualTo("a=1; b=2");
		assertThat(EnvironHeaders.cookiePairs("; a=1")).isEqualTo("a=1");
		assertThat(EnvironHeaders.cookiePairs("")).isEmpty();
		assertThat(EnvironHeaders.cookiePairs("; ")).isEmpty();
	}

	@Test
	void serverNameAndPortComeFromTheHostHeaderIncludingIpv6Literals() throws Exception {
		assertThat(build("/", MockServerHttpRequest.get("http://[::1]:8080/x").build()))
			.containsEntry(Environ.SERVER_NAME, "::1")
			.containsEntry(Environ.SERVER_PORT, "8080");
		assertThat(build("/", MockServerHttpRequest.get("https://example.org/x").build()))
			.containsEntry(Environ.SERVER_NAME, "example.org")
			.containsEntry(Environ.SERVER_PORT, "443")
			.containsEntry(Environ.WSGI_URL_SCHEME, "https");
	}

	@Test
	void remoteAddressAndWsgiKeys() throws Exception {
		Map<String, Object> environ = build("/", MockServerHttpRequest.get("/")
			.remoteAddress(new InetSocketAddress("127.0.0.1", 5555))
			.build());
		assertThat(environ).containsEntry(Environ.REMOTE_ADDR, "127.0.0.1")
			.containsEntry(Environ.REMOTE_PORT, "5555")
			.containsEntry(Environ.SERVER_PROTOCOL, "HTTP/1.1")
			.containsEntry(Environ.WSGI_VERSION, java.util.List.of(1, 0))
			.containsEntry(Environ.WSGI_MULTITHREAD, true)
			.containsEntry(Environ.WSGI_MULTIPROCESS, false)
			.containsEntry(Environ.WSGI_RUN_ONCE, false)
			.containsEntry(Environ.WSGI_INPUT_TERMINATED, true)
			.containsEntry(Environ.WSGI_INPUT, this.input)
			.containsKeys(Environ.WSGI_ERRORS, Environ.WSGI_FILE_WRAPPER);
	}

	@Test
	void headerKeyUpperCasesAndMapsDashes() {
		assertThat(EnvironHeaders.headerKey("x-forwarded-for")).isEqualTo("HTTP_X_FORWARDED_FOR");
		assertThat(EnvironHeaders.headerKey("content-type")).isEqualTo("CONTENT_TYPE");
		assertThat(EnvironHeaders.headerKey("Content-Typo")).isEqualTo("HTTP_CONTENT_TYPO");
		assertThat(EnvironHeaders.headerKey("X_A")).isNull();
	}

	private static MockServerHttpRequest.BodyBuilder raw(HttpMethod method, String rawUri) {
		return MockServerHttpRequest.method(method, URI.create(rawUri));
	}

	private Map<String, Object> build(String mount, MockServerHttpRequest request) throws Exception {
		return new EnvironBuilder(new WsgiMount(mount, "test", (environ, start) -> java.util.List.of()))
			.build(request, this.input, new WsgiErrorsWriter());
	}

}
