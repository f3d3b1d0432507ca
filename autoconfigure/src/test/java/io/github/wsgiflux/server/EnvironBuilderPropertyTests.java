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
