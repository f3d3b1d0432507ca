package io.github.wsgiflux.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.validate.WsgiValidator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties of {@link EnvironBuilder} over random paths, query strings and header sets (jqwik): the environ always
 * passes {@link WsgiValidator}, {@code PATH_INFO} gives back the exact path bytes, the query string arrives raw, no
 * header name with {@code _} gets through, and nothing but {@link InvalidRequestException} ever escapes.
 */
class EnvironBuilderPropertyTests {

	private static final String UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";

	private static final String TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";

	private final EnvironBuilder builder = new EnvironBuilder(new WsgiMount("/", "test", (environ, start) -> List.of()));

	@Property(tries = 500)
	void pathInfoRoundTripsTheBytesOfAnyPercentEncodedPath(@ForAll @Size(max = 64) byte[] segment,
			@ForAll boolean encodeEverything) throws Exception {
		byte[] path = nonNul(segment);
		Map<String, Object> environ = build(MockServerHttpRequest
			.method(HttpMethod.GET, URI.create("/" + percentEncode(path, encodeEverything)))
			.build());
		byte[] expected = new byte[path.length + 1];
		expected[0] = '/';
		System.arraycopy(path, 0, expected, 1, path.length);
		assertThat(((String) environ.get(Environ.PATH_INFO)).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(expected);
		assertValid(environ);
	}

	@Property(tries = 300)
	void queryStringArrivesRawAndTheEnvironStaysValid(@ForAll("queries") String query) throws Exception {
		Map<String, Object> environ = build(MockServerHttpRequest.method(HttpMethod.GET, URI.create("/q?" + query))
			.build());
		assertThat(environ).containsEntry(Environ.QUERY_STRING, query);
		assertValid(environ);
	}

	@Property(tries = 300)
	void headerNamesWithUnderscoreNeverPassAndOthersBecomeHttpKeys(
			@ForAll("headerNameLists") List<String> names, @ForAll("headerValues") String value)
			throws Exception {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/h");
		for (String name : names) {
			request.header(name, value);
		}
		Map<String, Object> environ = build(request.build());
		for (String name : names) {
			String key = "HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
			if (name.indexOf('_') >= 0) {
				// Unless a name spelled with '-' maps to the same key and legitimately put it there.
				boolean dashTwin = names.stream()
					.anyMatch((other) -> other.indexOf('_') < 0 && ("HTTP_" + other.toUpperCase(Locale.ROOT)
						.replace('-', '_')).equals(key));
				if (!dashTwin) {
					assertThat(environ).doesNotContainKey(key);
				}
			}
			else if (!name.equalsIgnoreCase("content-type") && !name.equalsIgnoreCase("content-length")) {
				assertThat(environ).containsKey(key);
			}
		}
		assertValid(environ);
	}

	/**
	 * RFC 9110 7.2 and PEP 3333: whatever names the host (the Host field, an absolute-form target's authority that
	 * wins over it, RFC 9112 3.2.2, or the forwarded host with a strategy on), {@code SERVER_NAME} and
	 * {@code SERVER_PORT} are the host and port of {@code HTTP_HOST}, the port defaulting to the scheme's.
	 */
	@Property(tries = 500)
	void serverNameAndPortAgreeWithHttpHost(@ForAll("hosts") String host, @ForAll("ports") int port,
			@ForAll("sources") String source, @ForAll boolean https) throws Exception {
		String authority = (port < 0) ? host : host + ":" + port;
		URI absolute = URI.create((https ? "https://" : "http://") + authority + "/p?q=1");
		EnvironBuilder builder = this.builder;
		MockServerHttpRequest request;
		switch (source) {
			case "host" -> request = MockServerHttpRequest.get("/p?q=1").header("Host", authority).build();
			case "absolute-form" -> request = MockServerHttpRequest.method(HttpMethod.GET, absolute)
				.header("Host", "other:1")
				.build();
			default -> {
				// What Spring's ForwardedHeaderTransformer leaves: the URI rewritten, Host as the proxy sent it.
				request = MockServerHttpRequest.method(HttpMethod.GET, absolute)
					.header("Host", "internal:8080")
					.header("X-Forwarded-Host", authority)
					.build();
				builder = new EnvironBuilder(new WsgiMount("/", "test", (environ, start) -> List.of()),
						new WsgiEnvironSettings(100, WsgiEnvironSettings.ForwardedHeaders.FRAMEWORK));
			}
		}
		Map<String, Object> environ = builder.build(request, new WsgiInput(new ByteArrayInputStream(new byte[0])),
				new WsgiErrorsWriter());
		String httpHost = (String) environ.get("HTTP_HOST");
		assertThat(httpHost).isEqualTo(authority);
		boolean bracketed = httpHost.startsWith("[");
		int colon = bracketed ? httpHost.indexOf(':', httpHost.indexOf(']')) : httpHost.lastIndexOf(':');
		String name = (colon < 0) ? httpHost : httpHost.substring(0, colon);
		if (bracketed) {
			name = name.substring(1, name.length() - 1);
		}
		String scheme = (String) environ.get(Environ.WSGI_URL_SCHEME);
		String expectedPort = (colon >= 0) ? httpHost.substring(colon + 1) : scheme.equals("https") ? "443" : "80";
		assertThat(environ).containsEntry(Environ.SERVER_NAME, name)
			.containsEntry(Environ.SERVER_PORT, expectedPort)
			.containsEntry(Environ.QUERY_STRING, "q=1");
		assertValid(environ);
	}

	@Provide
	Arbitrary<String> hosts() {
		Arbitrary<String> regNames = Arbitraries.strings()
			.withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
			.ofMinLength(1)
			.ofMaxLength(30);
		Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
			.map((bytes) -> bytes.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(".")));
		Arbitrary<String> ipv6 = Arbitraries.of("[::1]", "[fe80::1]", "[2001:db8::7:1]", "[::ffff:192.0.2.1]");
		return Arbitraries.oneOf(regNames, ipv4, ipv6);
	}

	@Provide
	Arbitrary<Integer> ports() {
		return Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 65535));
	}

	@Provide
	Arbitrary<String> sources() {
		return Arbitraries.of("host", "absolute-form", "forwarded");
	}

	@Provide
	Arbitrary<String> queries() {
		return Arbitraries.strings()
			.withChars(UNRESERVED + "=&+,;:@/?!$'()*")
			.ofMaxLength(80)
			.map((raw) -> raw + percentEncode(raw.getBytes(StandardCharsets.UTF_8), false));
	}

	@Provide
	Arbitrary<String> headerNames() {
		return Arbitraries.strings().withChars(TOKEN).ofMinLength(1).ofMaxLength(20)
			.filter((name) -> !name.equalsIgnoreCase("host"));
	}

	@Provide
	Arbitrary<List<String>> headerNameLists() {
		return headerNames().list().ofMaxSize(12);
	}

	@Provide
	Arbitrary<String> headerValues() {
		return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40).map(String::trim);
	}

	private Map<String, Object> build(MockServerHttpRequest request) throws Exception {
		return this.builder.build(request, new WsgiInput(new ByteArrayInputStream(new byte[0])),
				new WsgiErrorsWriter());
	}

	private static void assertValid(Map<String, Object> environ) throws Exception {
		WsgiValidator validator = WsgiValidator.wrap((env, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
			return List.of();
		});
		validator.call(environ, (status, headers, excInfo) -> (data) -> {
		});
		assertThat(validator.violations()).isEmpty();
	}

	private static byte[] nonNul(byte[] bytes) {
		byte[] copy = bytes.clone();
		for (int i = 0; i < copy.length; i++) {
			if (copy[i] == 0) {
				copy[i] = 1;
			}
		}
		return copy;
	}

	private static String percentEncode(byte[] bytes, boolean everything) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte b : bytes) {
			if (!everything && UNRESERVED.indexOf(b) >= 0) {
				out.write(b);
			}
			else {
				out.writeBytes(String.format("%%%02X", b & 0xFF).getBytes(StandardCharsets.US_ASCII));
			}
		}
		return out.toString(StandardCharsets.US_ASCII);
	}

}
