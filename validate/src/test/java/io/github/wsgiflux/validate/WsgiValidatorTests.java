package io.github.wsgiflux.validate;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.validate.WsgiViolation.Side;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every rule of {@link WsgiValidator} fires on a server or an application that breaks it, and stays quiet otherwise.
 */
class WsgiValidatorTests {

	private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain"));

	private static final BodyWriter NO_WRITE = (data) -> {
	};

	private static final StartResponse SERVER_START = (status, headers, excInfo) -> NO_WRITE;

	@Test
	void conformingServerAndApplicationPass() throws Exception {
		WsgiValidator validator = WsgiValidator.wrap(hello());
		Iterable<byte[]> body = validator.call(environ(), SERVER_START);
		List<byte[]> chunks = new ArrayList<>();
		body.forEach(chunks::add);
		((AutoCloseable) body).close();
		assertThat(chunks).hasSize(1);
		assertThat(body).isInstanceOf(java.util.Collection.class);
		validator.assertNoViolations();
		assertThat(validator.unclosedBodies()).isZero();
	}

	@Test
	void environRulesAreTheServers() {
		serverViolation((env) -> env.remove(Environ.SERVER_PORT), "lacks the required key SERVER_PORT");
		serverViolation((env) -> env.put(Environ.PATH_INFO, "/caf\u20ac"), "native string");
		serverViolation((env) -> env.put(Environ.WSGI_VERSION, List.of(2, 0)), "wsgi.version must be (1, 0)");
		serverViolation((env) -> env.put(Environ.WSGI_URL_SCHEME, "ftp"), "wsgi.url_scheme must be http or https");
		serverViolation((env) -> env.put(Environ.SCRIPT_NAME, "/"), "SCRIPT_NAME must never be '/'");
		serverViolation((env) -> env.put(Environ.PATH_INFO, "x"), "PATH_INFO must be empty or start with '/'");
		serverViolation((env) -> env.put(Environ.CONTENT_LENGTH, "-1"), "CONTENT_LENGTH must be a non-negative");
		serverViolation((env) -> env.put("HTTP_CONTENT_TYPE", "text/plain"), "HTTP_CONTENT_TYPE must not be set");
		serverViolation((env) -> env.put(Environ.SERVER_PORT, 8080), "CGI key SERVER_PORT must hold a String");
		serverViolation((env) -> env.put(Environ.WSGI_MULTITHREAD, "yes"), "wsgi.multithread must be a Boolean");
	}

	@Test
	void statusAndHeaderRulesAreTheApplications() {
		applicationViolation(start("OK", TEXT), "status must be three digits");
		applicationViolation(start("099 Low", TEXT), "status code must be >= 100");
		applicationViolation(start("200 OK", List.of(Header.of("Content Type", "x"))), "is not an HTTP token");
		applicationViolation(start("200 OK", List.of(Header.of("Content-Type", "a\nb"))), "control");
		applicationViolation(start("200 OK", List.of(Header.of("Content-Type", "x"), Header.of("Connection", "close"))),
				"hop-by-hop header 'Connection'");
		applicationViolation(start("200 OK", List.of()), "Content-Type is required with status 200");
		applicationViolation(start("200 OK", List.of(Header.of("Content-Length", "5"))),
				"Content-Type is required with status 200");
		applicationViolation(start("204 No Content", TEXT), "Content-Type must not be sent with status 204");
	}

	/**
	 * RFC 9110 9.3.7: "A server MUST generate a Content-Length field with a value of "0" if no content is to be sent
	 * in the response" to OPTIONS; 8.3: Content-Type describes content, so there is none to describe.
	 */
	@Test
	void aResponseDeclaringNoContentNeedsNoContentType() throws Exception {
		WsgiValidator options = WsgiValidator.wrap((env, start) -> {
			start.start("200 OK", List.of(Header.of("Allow", "GET, HEAD, OPTIONS"), Header.of("Content-Length", "0")));
			return List.of();
		});
		drain(options.call(environ(), SERVER_START));
		options.assertNoViolations();
	}

	@Test
	void secondStartNeedsExcInfo() throws Exception {
		applicationViolation((env, start) -> {
			start.start("200 OK", TEXT);
			start.start("500 Oops", TEXT);
			return List.of();
		}, "second time without exc_info");
		WsgiValidator validator = WsgiValidator.wrap((env, start) -> {
			start.start("200 OK", TEXT);
			start.start("500 Oops", TEXT, new IllegalStateException("boom"));
			return List.of();
		});
		drain(validator.call(environ(), SERVER_START));
		validator.assertNoViolations();
	}

	@Test
	void bodyRules() throws Exception {
		WsgiValidator nullChunk = WsgiValidator.wrap((env, start) -> {
			start.start("200 OK", TEXT);
			List<byte[]> body = new ArrayList<>();
			body.add(null);
			return body;
		});
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(() -> drain(nullChunk.call(environ(), SERVER_START)))
			.withMessageContaining("yielded null");

		WsgiValidator early = WsgiValidator.wrap((env, start) -> List.of("x".getBytes(StandardCharsets.UTF_8)));
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(() -> drain(early.call(environ(), SERVER_START)))
			.withMessageContaining("before start_response was called");

		WsgiValidator tooLong = WsgiValidator.wrap((env, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain"), Header.of("Content-Length", "2")));
			return List.of("abc".getBytes(StandardCharsets.UTF_8));
		});
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(() -> drain(tooLong.call(environ(), SERVER_START)))
			.withMessageContaining("longer than the Content-Length");
	}

	@Test
	void closeRulesAreTheServers() throws Exception {
		WsgiValidator validator = WsgiValidator.wrap(hello());
		Iterable<byte[]> body = validator.call(environ(), SERVER_START);
		assertThat(validator.unclosedBodies()).isEqualTo(1);
		((AutoCloseable) body).close();
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(() -> ((AutoCloseable) body).close())
			.withMessageContaining("close() was called more than once")
			.matches((violation) -> violation.getSide() == Side.SERVER);
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(body::iterator)
			.withMessageContaining("iterated after close()");
		assertThat(validator.violations()).hasSize(2);
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(validator::assertNoViolations)
			.withMessageContaining("2 violation(s)");
	}

	@Test
	void applicationMustNotCloseTheStreams() {
		applicationViolation((env, start) -> {
			Environ.of(env).input().close();
			return List.of();
		}, "must not close wsgi.input");
		applicationViolation((env, start) -> {
			Environ.of(env).errors().close();
			return List.of();
		}, "must not close wsgi.errors");
	}

	@Test
	void serverInputMustReturnOneLinePerReadline() {
		Map<String, Object> env = environ();
		env.put(Environ.WSGI_INPUT, new WsgiInput(new ByteArrayInputStream(new byte[0])) {
			@Override
			public byte[] readline(int limit) {
				return "one\ntwo\n".getBytes(StandardCharsets.UTF_8);
			}
		});
		WsgiValidator validator = WsgiValidator.wrap((environ, start) -> {
			Environ.of(environ).input().readline();
			return List.of();
		});
		assertThatExceptionOfType(WsgiViolation.class).isThrownBy(() -> validator.call(env, SERVER_START))
			.withMessageContaining("more than one line")
			.matches((violation) -> violation.getSide() == Side.SERVER);
	}

	private static WsgiApplication hello() {
		return (env, start) -> {
			start.start("200 OK", TEXT);
			return List.of("hello".getBytes(StandardCharsets.UTF_8));
		};
	}

	private static WsgiApplication start(String status, List<Header> headers) {
		return (env, start) -> {
			start.start(status, headers);
			return List.of();
		};
	}

	private static void serverViolation(Consumer<Map<String, Object>> breakEnviron, String message) {
		Map<String, Object> env = environ();
		breakEnviron.accept(env);
		WsgiValidator validator = WsgiValidator.wrap(hello());
		assertThatExceptionOfType(WsgiViolation.class).as(message)
			.isThrownBy(() -> validator.call(env, SERVER_START))
			.withMessageContaining(message)
			.matches((violation) -> violation.getSide() == Side.SERVER);
	}

	private static void applicationViolation(WsgiApplication application, String message) {
		WsgiValidator validator = WsgiValidator.wrap(application);
		assertThatExceptionOfType(WsgiViolation.class).as(message)
			.isThrownBy(() -> drain(validator.call(environ(), SERVER_START)))
			.withMessageContaining(message)
			.matches((violation) -> violation.getSide() == Side.APPLICATION);
		assertThat(validator.violations()).isNotEmpty();
	}

	private static void drain(Iterable<byte[]> body) {
		Iterator<byte[]> iterator = body.iterator();
		while (iterator.hasNext()) {
			iterator.next();
		}
	}

	private static Map<String, Object> environ() {
		Map<String, Object> env = new HashMap<>();
		env.put(Environ.REQUEST_METHOD, "GET");
		env.put(Environ.SCRIPT_NAME, "");
		env.put(Environ.PATH_INFO, "/");
		env.put(Environ.QUERY_STRING, "");
		env.put(Environ.SERVER_NAME, "localhost");
		env.put(Environ.SERVER_PORT, "8080");
		env.put(Environ.SERVER_PROTOCOL, "HTTP/1.1");
		env.put(Environ.WSGI_VERSION, List.of(1, 0));
		env.put(Environ.WSGI_URL_SCHEME, "http");
		env.put(Environ.WSGI_INPUT, new WsgiInput(new ByteArrayInputStream(new byte[0])));
		env.put(Environ.WSGI_ERRORS, new StringWriter());
		env.put(Environ.WSGI_MULTITHREAD, true);
		env.put(Environ.WSGI_MULTIPROCESS, false);
		env.put(Environ.WSGI_RUN_ONCE, false);
		return env;
	}

}
