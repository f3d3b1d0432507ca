package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.github.wsgiflux.spi.WsgiMount;
import io.github.wsgiflux.test.EnvironJsonApp;
import io.github.wsgiflux.test.NettyLeaks;
import io.github.wsgiflux.test.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The environ from the wire: requests over a raw socket, each case taken from the text of RFC 9112 (HTTP/1.1), RFC
 * 9110 (semantics) or PEP 3333 (named in the case), against an application that answers its environ as JSON, with
 * a {@code /legacy} mount beside the root application. Each case asserts the status and, when the request is
 * accepted, the exact environ values; after each, no worker is busy and the next good request is served.
 */
@SpringBootTest(classes = WsgiRequestEnvironMatrixTests.Config.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "wsgi.request.max-body-size=1KB")
@ExtendWith(NettyLeaks.class)
class WsgiRequestEnvironMatrixTests {

	/** Marks a key the environ must not have. */
	static final String ABSENT = "<absent>";

	/** Stands for the server's listening port. */
	static final String PORT = "<port>";

	private static final String H = "Host: h.example\r\n";

	private static final String CLOSE = "Connection: close\r\n";

	@LocalServerPort
	int port;

	@Autowired
	BoundedWsgiScheduler scheduler;

	@AfterEach
	void noWorkerBusyAndTheNextRequestIsServed() {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.scheduler.getActiveCount() == 0);
		String response = RawHttp.exchange(this.port, "GET /next HTTP/1.1\r\n" + H + CLOSE + "\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ");
		assertThat(environ(response)).containsEntry("PATH_INFO", "/next");
	}

	static Stream<Arguments> cases() {
		return Stream.of(
				// RFC 9112 3.2.1: origin-form = absolute-path [ "?" query ]
				ok("3.2.1 origin-form with a query", "GET /a/b?x=1&y=%20 HTTP/1.1\r\n" + H,
						env("app", "root", "SCRIPT_NAME", "", "PATH_INFO", "/a/b", "QUERY_STRING", "x=1&y=%20",
								"SERVER_NAME", "h.example", "SERVER_PORT", "80", "HTTP_HOST", "h.example")),
				bad("3.2.1 origin-form starts with '/': 'foo/bar' is no request-target", "GET foo/bar HTTP/1.1\r\n"
						+ "Host: a\r\n", 400),
				bad("3.2 a target of no form ('s://]ufd/:')", "PUT s://]ufd/: HTTP/1.1\r\nHost: a\r\n"
						+ "Content-Length: 0\r\n", 400),
				ok("3.2.1 an empty query", "GET /q? HTTP/1.1\r\n" + H, env("PATH_INFO", "/q", "QUERY_STRING", "")),
				ok("3.2.1 / RFC 3986 3.4: '?' inside the query is data", "GET /q?b?c=d HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/q", "QUERY_STRING", "b?c=d")),
				ok("3.2.1 empty segments are kept (no normalization)", "GET //double//slash HTTP/1.1\r\n" + H,
						env("PATH_INFO", "//double//slash")),
				bad("3.2 no fragment in a request-target", "GET /a#frag HTTP/1.1\r\n" + H, 400),
				// RFC 9112 3.2.4: asterisk-form only for OPTIONS
				bad("3.2.4 asterisk-form with GET", "GET * HTTP/1.1\r\n" + H, 400),
				ok("3.2.4 OPTIONS * goes to the root application with PATH_INFO '*'", "OPTIONS * HTTP/1.1\r\n"
						+ "Host: x\r\n", env("app", "root", "SCRIPT_NAME", "", "PATH_INFO", "*", "SERVER_NAME", "x",
								"SERVER_PORT", "80", "REQUEST_METHOD", "OPTIONS")),
				// RFC 9112 3.2.3: authority-form only for CONNECT
				bad("3.2.3 authority-form with GET", "GET example.com:443 HTTP/1.1\r\n" + H, 400),
				bad("RFC 9110 9.3.6 CONNECT (a tunnel) is not implemented", "CONNECT example.com:443 HTTP/1.1\r\n"
						+ "Host: example.com:443\r\n", 501),
				// RFC 9112 3.2.2: absolute-form; the target's authority wins over Host
				ok("3.2.2 absolute-form: the authority wins over Host", "GET http://origin.example:8081/p?q=1 "
						+ "HTTP/1.1\r\nHost: other\r\n", env("SERVER_NAME", "origin.example", "SERVER_PORT", "8081",
								"HTTP_HOST", "origin.example:8081", "PATH_INFO", "/p", "QUERY_STRING", "q=1")),
				ok("3.2.2 absolute-form without a port: the scheme's default", "GET http://origin.example/p "
						+ "HTTP/1.1\r\nHost: other:9\r\n", env("SERVER_NAME", "origin.example", "SERVER_PORT", "80",
								"HTTP_HOST", "origin.example")),
				ok("3.2.2 / RFC 3986 3.1: the scheme is case-insensitive", "GET HTTP://Origin.Example/p HTTP/1.1\r\n"
						+ H, env("SERVER_NAME", "Origin.Example", "PATH_INFO", "/p")),
				ok("3.2.2 / 3.2.1: an empty path is '/'", "GET http://origin.example HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/", "SERVER_NAME", "origin.example")),
				ok("3.2.2 absolute-form reaches the mount of its path", "GET http://origin.example/legacy/x "
						+ "HTTP/1.1\r\n" + H, env("app", "legacy", "SCRIPT_NAME", "/legacy", "PATH_INFO", "/x")),
				bad("RFC 9110 4.2.4 userinfo in an http URI is an error", "GET http://user@origin.example/p "
						+ "HTTP/1.1\r\n" + H, 400),
				bad("RFC 9110 4.2.1 an http URI with an empty host MUST be rejected", "GET http:///p HTTP/1.1\r\n"
						+ H, 400),
				bad("3.2.2 absolute-form of a scheme other than http(s)", "GET ftp://origin.example/p HTTP/1.1\r\n"
						+ H, 400),
				// RFC 9112 3.2: Host
				bad("3.2 two Host lines MUST get 400", "GET / HTTP/1.1\r\nHost: a\r\nHost: evil\r\n", 400),
				bad("3.2 HTTP/1.1 without Host MUST get 400", "GET / HTTP/1.1\r\n", 400),
				ok("PEP 3333 HTTP/1.0 without Host: the server's own address and listening port",
						"GET /ten HTTP/1.0\r\n", env("SERVER_NAME", "127.0.0.1", "SERVER_PORT", PORT, "HTTP_HOST", ABSENT,
								"SERVER_PROTOCOL", "HTTP/1.0")),
				ok("3.2 an empty Host (no authority): the server's own address", "GET / HTTP/1.1\r\nHost:\r\n",
						env("SERVER_NAME", "127.0.0.1", "SERVER_PORT", PORT, "HTTP_HOST", "")),
				ok("RFC 9110 7.2 / RFC 3986 3.2.2: '_' is a reg-name character (a docker-compose service name)",
						"GET / HTTP/1.1\r\nHost: legacy_app:8080\r\n", env("SERVER_NAME", "legacy_app", "SERVER_PORT",
								"8080", "HTTP_HOST", "legacy_app:8080")),
				ok("RFC 9110 7.2 an IPv6 literal with a port", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n",
						env("SERVER_NAME", "::1", "SERVER_PORT", "8080", "HTTP_HOST", "[::1]:8080")),
				ok("RFC 9110 7.2 an IPv6 literal without a port", "GET / HTTP/1.1\r\nHost: [::1]\r\n",
						env("SERVER_NAME", "::1", "SERVER_PORT", "80")),
				ok("RFC 9110 7.2 an IPv4 address", "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\n",
						env("SERVER_NAME", "127.0.0.1", "SERVER_PORT", "9")),
				ok("RFC 9110 7.2 the host as sent (no case folding)", "GET / HTTP/1.1\r\nHost: EXAMPLE.org\r\n",
						env("SERVER_NAME", "EXAMPLE.org", "HTTP_HOST", "EXAMPLE.org")),
				bad("3.2 a Host with an invalid value: a space", "GET / HTTP/1.1\r\nHost: a b\r\n", 400),
				bad("3.2 a Host with an invalid value: a port over 65535", "GET / HTTP/1.1\r\nHost: a:99999\r\n", 400),
				bad("3.2 a Host with an invalid value: a port that is not digits", "GET / HTTP/1.1\r\nHost: a:8x\r\n",
						400),
				bad("3.2 a Host with an invalid value: a path", "GET / HTTP/1.1\r\nHost: a/b\r\n", 400),
				bad("3.2 a Host with an invalid value: userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n", 400),
				bad("3.2 a Host with an invalid value: an unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n",
						400),
				bad("3.2 a Host with an invalid value: no host before the port", "GET / HTTP/1.1\r\nHost: :8080\r\n",
						400),
				// RFC 9112 5 / RFC 9110 5: field syntax
				bad("9112 5 a field line without a colon", "GET / HTTP/1.1\r\n" + H + "NoColon\r\n", 400),
				bad("9112 5.1 whitespace between field name and colon MUST get 400", "GET / HTTP/1.1\r\n" + H
						+ "X-A : b\r\n", 400),
				bad("9110 5.5 NUL in a field value", "GET / HTTP/1.1\r\n" + H + "X-Nul: a\u0000b\r\n", 400),
				ok("9110 5.5 leading and trailing whitespace is not part of the value", "GET / HTTP/1.1\r\n" + H
						+ "X-Ows: \t v w \t\r\n", env("HTTP_X_OWS", "v w")),
				ok("9110 5.5 an empty field value", "GET / HTTP/1.1\r\n" + H + "X-Empty:\r\n", env("HTTP_X_EMPTY", "")),
				ok("9110 5.3 a repeated list field is joined with commas", "GET / HTTP/1.1\r\n" + H
						+ "X-List: a\r\nX-List: b\r\n", env("HTTP_X_LIST", "a,b")),
				ok("9110 5.3 lines of one name in another case, with another field between, are joined in order",
						"GET / HTTP/1.1\r\n" + H + "X-List: a\r\nX-Other: o\r\nx-list: b\r\nX-LIST: c\r\n",
						env("HTTP_X_LIST", "a,b,c", "HTTP_X_OTHER", "o")),
				ok("RFC 6265 5.4 / RFC 9113 8.2.3: Cookie lines are joined with '; ', not commas", "GET / HTTP/1.1\r\n"
						+ H + "Cookie: a=1\r\ncookie: b=2\r\n", env("HTTP_COOKIE", "a=1; b=2")),
				ok("9110 5.1 field names are case-insensitive", "GET / HTTP/1.1\r\n" + H + "x-MiXeD: v\r\n",
						env("HTTP_X_MIXED", "v")),
				ok("PEP 3333 / CGI: a name with '_' is dropped so that it cannot impersonate one with '-'",
						"GET / HTTP/1.1\r\n" + H + "X-User_Id: evil\r\n", env("HTTP_X_USER_ID", ABSENT)),
				ok("9112 5.2 obs-fold is replaced by a space (Reactor Netty unfolds)", "GET / HTTP/1.1\r\n" + H
						+ "X-Folded: a\r\n b\r\n", env("HTTP_X_FOLDED", "a b")),
				// RFC 9110 5.3 / 8.3 / 8.6 and RFC 9112 3.2: singleton fields
				bad("9110 8.3 two Content-Type lines", "POST / HTTP/1.1\r\n" + H + "Content-Type: text/plain\r\n"
						+ "Content-Type: text/html\r\nContent-Length: 0\r\n", 400),
				bad("9110 8.6 two Content-Length lines (HTTP/1.1)", "POST / HTTP/1.1\r\n" + H
						+ "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
				ok("9110 8.6 two equal Content-Length lines (HTTP/1.0): Netty replaces them with one, as a recipient MAY",
						"POST / HTTP/1.0\r\n" + H + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
						env("CONTENT_LENGTH", "3", "BODY", "abc")),
				bad("9110 8.6 a Content-Length that is not digits", "POST / HTTP/1.1\r\n" + H
						+ "Content-Length: abc\r\n\r\nabc", 400),
				bad("9110 8.6 a negative Content-Length", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\n",
						400),
				bad("9112 6.3 Transfer-Encoding with Content-Length (smuggling)", "POST / HTTP/1.1\r\n" + H
						+ "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
				// RFC 9112 6 and 7.1: message body and chunked framing
				ok("9112 6.2 a body of Content-Length bytes", "POST / HTTP/1.1\r\n" + H + "Content-Type: text/plain"
						+ "\r\nContent-Length: 5\r\n\r\nhello", env("BODY", "hello", "CONTENT_LENGTH", "5",
								"CONTENT_TYPE", "text/plain", "HTTP_CONTENT_LENGTH", ABSENT)),
				ok("9112 7.1 a chunked body, without CONTENT_LENGTH", "POST / HTTP/1.1\r\n" + H
						+ "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
						env("BODY", "abcde", "CONTENT_LENGTH", ABSENT)),
				ok("9112 7.1.1 chunk extensions are ignored", "POST / HTTP/1.1\r\n" + H
						+ "Transfer-Encoding: chunked\r\n\r\n3;ext=\"v\"\r\nabc\r\n0\r\n\r\n", env("BODY", "abc")),
				ok("9112 7.1.2 a trailer section after the last chunk", "POST / HTTP/1.1\r\n" + H
						+ "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n", env("BODY", "abc")),
				ok("9112 7.1 chunk sizes are hexadecimal, case-insensitive", "POST / HTTP/1.1\r\n" + H
						+ "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", env("BODY", "0123456789")),
				ok("9112 7.1 whitespace after a chunk size (not in the grammar; Reactor Netty accepts it)",
						"POST / HTTP/1.1\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n",
						env("BODY", "abc")),
				badMayReach("9112 7.1 a chunk size that is not hexadecimal", "POST / HTTP/1.1\r\n" + H
						+ "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
				// Limits
				// Each request also has Host and Connection: close.
				ok("limits: 100 header lines (wsgi.request.max-header-count)", "GET / HTTP/1.1\r\n" + H
						+ "X-Many: v\r\n".repeat(98), env("HTTP_X_MANY", "v,".repeat(97) + "v")),
				bad("limits / RFC 6585 5: 101 header lines get 431", "GET / HTTP/1.1\r\n" + H
						+ "X-Many: v\r\n".repeat(99), 431),
				bad("limits / RFC 9112 3: a request line over 4 KiB gets 414", "GET /" + "u".repeat(5000)
						+ " HTTP/1.1\r\n" + H, 414),
				bad("limits / RFC 9110 15.5.14: a declared body over max-body-size gets 413", "POST / HTTP/1.1\r\n"
						+ H + "Content-Length: 2000\r\n\r\n" + "x".repeat(2000), 413),
				// RFC 9112 2.3: versions
				bad("9112 2.3 / RFC 9110 15.6.6 HTTP/1.2 gets 505", "GET / HTTP/1.2\r\n" + H, 505),
				ok("9112 2.3 HTTP/1.0 with Host", "GET / HTTP/1.0\r\nHost: a:1\r\n", env("SERVER_PROTOCOL", "HTTP/1.0",
						"SERVER_NAME", "a", "SERVER_PORT", "1")),
				// RFC 9110 9.1: methods are case-sensitive and extensible
				ok("9110 9.1 an extension method", "PURGE /x HTTP/1.1\r\n" + H, env("REQUEST_METHOD", "PURGE")),
				ok("9110 9.1 methods are case-sensitive", "get /x HTTP/1.1\r\n" + H, env("REQUEST_METHOD", "get")),
				// PEP 3333: PATH_INFO is the decoded bytes as ISO-8859-1 chars; QUERY_STRING as received
				ok("PEP 3333 bytes sent unencoded: quotes", "GET /with_\"quotes\"?foo=\"bar\" HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/with_\"quotes\"", "QUERY_STRING", "foo=\"bar\"")),
				ok("PEP 3333 bytes sent unencoded: raw UTF-8 and an escape", "GET /\u00c3\u00a0%20k HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/\u00c3\u00a0 k")),
				ok("PEP 3333 bytes sent unencoded: { } | ^ ` < > \\", "GET /{a}|b^c`<d>\\e?x={y} HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/{a}|b^c`<d>\\e", "QUERY_STRING", "x={y}")),
				ok("the gateway's carrier of the original target cannot be forged by a client",
						"GET /q?real=1 HTTP/1.1\r\n" + H + "X-Wsgiflux-Original-Target: /q?forged=1\r\n",
						env("QUERY_STRING", "real=1", "HTTP_X_WSGIFLUX_ORIGINAL_TARGET", ABSENT)),
				ok("the carrier cannot be forged when the target is encoded either",
						"GET /q?real=\"1\" HTTP/1.1\r\n" + H + "X-Wsgiflux-Original-Target: /q?forged=1\r\n",
						env("QUERY_STRING", "real=\"1\"", "HTTP_X_WSGIFLUX_ORIGINAL_TARGET", ABSENT)),
				ok("PEP 3333 a raw non-ASCII byte in the query stays as received", "GET /q?q=\u00e9 HTTP/1.1\r\n" + H,
						env("QUERY_STRING", "q=\u00e9")),
				ok("PEP 3333 the query is not decoded (no check of its escapes)", "GET /q?q=%zz HTTP/1.1\r\n" + H,
						env("QUERY_STRING", "q=%zz")),
				ok("PEP 3333 percent-encoded UTF-8", "GET /caf%C3%A9 HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/caf\u00c3\u00a9")),
				ok("PEP 3333 %2F is a slash in PATH_INFO", "GET /a%2Fb HTTP/1.1\r\n" + H, env("PATH_INFO", "/a/b")),
				ok("RFC 3986 2.4: '..' is data to a gateway, never resolved", "GET /a/../b HTTP/1.1\r\n" + H,
						env("PATH_INFO", "/a/../b")),
				bad("PEP 3333 / CGI: an encoded NUL", "GET /a%00b HTTP/1.1\r\n" + H, 400),
				bad("RFC 3986 2.1 an invalid percent-encoding", "GET /a%zz HTTP/1.1\r\n" + H, 400),
				// Mounts chosen on the decoded bytes SCRIPT_NAME + PATH_INFO show
				ok("mount: the path", "GET /legacy/x HTTP/1.1\r\n" + H, env("app", "legacy", "SCRIPT_NAME", "/legacy",
						"PATH_INFO", "/x")),
				ok("mount: an encoded letter cannot side-step it", "GET /%6Cegacy/x HTTP/1.1\r\n" + H,
						env("app", "legacy", "SCRIPT_NAME", "/legacy", "PATH_INFO", "/x")),
				ok("mount: %2F at the boundary is a slash, as in PATH_INFO", "GET /legacy%2Fx HTTP/1.1\r\n" + H,
						env("app", "legacy", "SCRIPT_NAME", "/legacy", "PATH_INFO", "/x")),
				ok("mount: the mount path itself", "GET /legacy HTTP/1.1\r\n" + H, env("app", "legacy",
						"SCRIPT_NAME", "/legacy", "PATH_INFO", "")),
				ok("mount: only at a segment boundary", "GET /legacyx HTTP/1.1\r\n" + H, env("app", "root",
						"SCRIPT_NAME", "", "PATH_INFO", "/legacyx")),
				ok("mount: paths are case-sensitive (RFC 3986 6.2.2.1)", "GET /LEGACY/x HTTP/1.1\r\n" + H,
						env("app", "root", "PATH_INFO", "/LEGACY/x")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void requestGetsItsStatusAndEnviron(String name, String request, int status, Map<String, String> expected,
			boolean mayReachApplication) {
		String response = RawHttp.exchange(this.port, request + CLOSE + "\r\n");
		assertThat(response).as(name).matches("(?s)HTTP/1\\.\\d " + status + " .*");
		assertThat(response).as(name).doesNotContain("Exception").doesNotContain("at io.");
		if (status == 200) {
			Map<String, String> environ = environ(response);
			expected.forEach((key, value) -> {
				if (ABSENT.equals(value)) {
					assertThat(environ).as(name).doesNotContainKey(key);
				}
				else {
					assertThat(environ).as(name).containsEntry(key, PORT.equals(value) ? String.valueOf(this.port) : value);
				}
			});
		}
		else if (!mayReachApplication) {
			assertThat(response).as(name).doesNotContain("\"PATH_INFO\"");
		}
	}

	@Test
	void nativeHandlersSeeTheTargetPercentEncodedAndTheOriginalInAHeader() {
		String response = RawHttp.exchange(this.port,
				"GET /native/with_\"quotes\"?foo=\"bar\" HTTP/1.1\r\n" + H + CLOSE + "\r\n");
		assertThat(response).startsWith("HTTP/1.1 200 ")
			.endsWith("path=/native/with_%22quotes%22 query=foo=%22bar%22 original=/native/with_\"quotes\"?foo=\"bar\"");
	}

	private static Map<String, String> environ(String response) {
		String body = response.substring(response.indexOf("\r\n\r\n") + 4);
		return EnvironJsonApp.parse(new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
	}

	private static Arguments ok(String name, String request, Map<String, String> expected) {
		return Arguments.of(name, request, 200, expected, true);
	}

	private static Arguments bad(String name, String request, int status) {
		return Arguments.of(name, request, status, Map.of(), false);
	}

	private static Arguments badMayReach(String name, String request, int status) {
		return Arguments.of(name, request, status, Map.of(), true);
	}

	private static Map<String, String> env(String... keysAndValues) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Config {

		@Bean
		EnvironJsonApp root() {
			return new EnvironJsonApp("root");
		}

		@Bean
		WsgiMount legacy() {
			return new WsgiMount("/legacy", "legacy", new EnvironJsonApp("legacy"));
		}

		@Bean
		RouterFunction<ServerResponse> nativeRoute() {
			return RouterFunctions.route()
				.GET("/native/**", (request) -> ServerResponse.ok()
					.bodyValue("path=" + request.uri().getRawPath() + " query=" + request.uri().getRawQuery()
							+ " original=" + request.headers().firstHeader(RequestTargetEncoder.ORIGINAL_TARGET_HEADER)))
				.build();
		}

	}

}
