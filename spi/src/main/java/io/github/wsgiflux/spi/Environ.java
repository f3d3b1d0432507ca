package io.github.wsgiflux.spi;

import java.io.ByteArrayOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The PEP 3333 environ keys, and typed, UTF-8 aware accessors over an environ map.
 * <p>
 * CGI values in the environ are PEP 3333 "native strings": each char is one byte of the request (ISO-8859-1). The
 * accessors here decode them as UTF-8 where a Java user expects text:
 * <pre class="code">
 * Environ env = Environ.of(environ);
 * String path = env.pathInfo();          // "/caf\u00e9" for /caf%C3%A9
 * String q = env.queryParameter("q");    // decoded, '+' as space
 * String agent = env.header("User-Agent");
 * </pre>
 * An {@code Environ} is a view: it reads the map each time and holds no copy.
 */
public final class Environ {

	/** The HTTP method, {@code "GET"}. */
	public static final String REQUEST_METHOD = "REQUEST_METHOD";

	/** The mount path of the application, empty or starting with {@code /}, never {@code /}. */
	public static final String SCRIPT_NAME = "SCRIPT_NAME";

	/** The path below the mount, percent-decoded, each byte as one ISO-8859-1 char. */
	public static final String PATH_INFO = "PATH_INFO";

	/** The raw query string, without {@code ?}; empty when absent. */
	public static final String QUERY_STRING = "QUERY_STRING";

	/** The request {@code Content-Type}; present only when sent. */
	public static final String CONTENT_TYPE = "CONTENT_TYPE";

	/** The request {@code Content-Length}, a decimal string; present only when known. */
	public static final String CONTENT_LENGTH = "CONTENT_LENGTH";

	/** The host name, from the {@code Host} header (an IPv6 literal without brackets). */
	public static final String SERVER_NAME = "SERVER_NAME";

	/** The port, a decimal string. */
	public static final String SERVER_PORT = "SERVER_PORT";

	/** The protocol, {@code "HTTP/1.1"} or {@code "HTTP/2.0"}. */
	public static final String SERVER_PROTOCOL = "SERVER_PROTOCOL";

	/** The client address. */
	public static final String REMOTE_ADDR = "REMOTE_ADDR";

	/** The client port, a decimal string. */
	public static final String REMOTE_PORT = "REMOTE_PORT";

	/** The authenticated user name, when the server knows one. */
	public static final String REMOTE_USER = "REMOTE_USER";

	/** The WSGI version, the list {@code [1, 0]}. */
	public static final String WSGI_VERSION = "wsgi.version";

	/** {@code "http"} or {@code "https"}. */
	public static final String WSGI_URL_SCHEME = "wsgi.url_scheme";

	/** The request body, a {@link WsgiInput}. */
	public static final String WSGI_INPUT = "wsgi.input";

	/** The error stream, a {@link Writer} to the server's log. */
	public static final String WSGI_ERRORS = "wsgi.errors";

	/** Whether other threads may run the application at the same time: {@code Boolean.TRUE}. */
	public static final String WSGI_MULTITHREAD = "wsgi.multithread";

	/** Whether other processes may run the application at the same time. */
	public static final String WSGI_MULTIPROCESS = "wsgi.multiprocess";

	/** Whether the application runs only once in this process: {@code Boolean.FALSE}. */
	public static final String WSGI_RUN_ONCE = "wsgi.run_once";

	/** Whether {@code wsgi.input} ends at the end of the body: always {@code Boolean.TRUE} here. */
	public static final String WSGI_INPUT_TERMINATED = "wsgi.input_terminated";

	/** The {@link FileWrapper}. */
	public static final String WSGI_FILE_WRAPPER = "wsgi.file_wrapper";

	/** The prefix of the keys that carry request headers. */
	public static final String HTTP_PREFIX = "HTTP_";

	private final Map<String, Object> environ;

	private Environ(Map<String, Object> environ) {
		this.environ = Objects.requireNonNull(environ, "environ");
	}

	/**
	 * A view over an environ map.
	 * @param environ the environ the application received
	 * @return the view
	 */
	public static Environ of(Map<String, Object> environ) {
		return new Environ(environ);
	}

	/**
	 * The environ map itself.
	 * @return the map, mutable
	 */
	public Map<String, Object> asMap() {
		return this.environ;
	}

	/**
	 * The HTTP method.
	 * @return the method, {@code "GET"}
	 */
	public String method() {
		return string(REQUEST_METHOD, "GET");
	}

	/**
	 * The mount path, decoded as UTF-8.
	 * @return {@code SCRIPT_NAME} as text
	 */
	public String scriptName() {
		return nativeToUnicode(string(SCRIPT_NAME, ""));
	}

	/**
	 * The path below the mount, decoded as UTF-8: {@code "/path/foo bar\u00e9"} for
	 * {@code /path/foo%20bar%C3%A9}.
	 * @return {@code PATH_INFO} as text
	 */
	public String pathInfo() {
		return nativeToUnicode(string(PATH_INFO, ""));
	}

	/**
	 * The whole path, {@code SCRIPT_NAME + PATH_INFO}, decoded as UTF-8.
	 * @return the path as text
	 */
	public String path() {
		return nativeToUnicode(string(SCRIPT_NAME, "") + string(PATH_INFO, ""));
	}

	/**
	 * The raw query string.
	 * @return {@code QUERY_STRING}, empty when absent
	 */
	public String queryString() {
		return string(QUERY_STRING, "");
	}

	/**
	 * The query parameters, decoded as UTF-8 form data ({@code +} is a space), in order.
	 * @return an unmodifiable map from name to its values
	 */
	public Map<String, List<String>> queryParameters() {
		String query = queryString();
		if (query.isEmpty()) {
			return Collections.emptyMap();
		}
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		int start = 0;
		while (start <= query.length()) {
			int end = query.indexOf('&', start);
			if (end < 0) {
				end = query.length();
			}
			if (end > start) {
				int eq = query.indexOf('=', start);
				String name;
				String value;
				if (eq < 0 || eq > end) {
					name = formDecode(query, start, end);
					value = "";
				}
				else {
					name = formDecode(query, start, eq);
					value = formDecode(query, eq + 1, end);
				}
				parameters.computeIfAbsent(name, (key) -> new ArrayList<>(1)).add(value);
			}
			start = end + 1;
		}
		parameters.replaceAll((name, values) -> Collections.unmodifiableList(values));
		return Collections.unmodifiableMap(parameters);
	}

	/**
	 * The first value of a query parameter.
	 * @param name the parameter name
	 * @return the value, or {@code null} when absent
	 */
	public @Nullable String queryParameter(String name) {
		List<String> values = queryParameters().get(name);
		return (values != null) ? values.get(0) : null;
	}

	/**
	 * A request header by its HTTP name, case-insensitive; repeated headers come joined with {@code ","}.
	 * {@code Content-Type} and {@code Content-Length} are read from their CGI keys.
	 * @param name the header name, {@code "User-Agent"}
	 * @return the value as received (ISO-8859-1 chars), or {@code null} when absent
	 */
	public @Nullable String header(String name) {
		Object value = this.environ.get(headerKey(name));
		return (value instanceof String string) ? string : null;
	}

	/**
	 * The request content type.
	 * @return {@code CONTENT_TYPE}, or {@code null} when not sent
	 */
	public @Nullable String contentType() {
		Object value = this.environ.get(CONTENT_TYPE);
		return (value instanceof String string && !string.isEmpty()) ? string : null;
	}

	/**
	 * The request content length.
	 * @return the length, or {@code -1} when not known (a chunked request)
	 */
	public long contentLength() {
		Object value = this.environ.get(CONTENT_LENGTH);
		if (value instanceof String string && !string.isEmpty()) {
			try {
				return Long.parseLong(string);
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}
		return -1;
	}

	/**
	 * The request body.
	 * @return {@code wsgi.input}
	 */
	public WsgiInput input() {
		return (WsgiInput) Objects.requireNonNull(this.environ.get(WSGI_INPUT), WSGI_INPUT);
	}

	/**
	 * The error stream.
	 * @return {@code wsgi.errors}
	 */
	public Writer errors() {
		return (Writer) Objects.requireNonNull(this.environ.get(WSGI_ERRORS), WSGI_ERRORS);
	}

	/**
	 * The URL scheme.
	 * @return {@code "http"} or {@code "https"}
	 */
	public String urlScheme() {
		return string(WSGI_URL_SCHEME, "http");
	}

	/**
	 * Decode a PEP 3333 native string (one byte per char) as UTF-8; invalid sequences become U+FFFD.
	 * @param value the native string
	 * @return the text
	 */
	public static String nativeToUnicode(String value) {
		for (int i = 0; i < value.length(); i++) {
			if (value.charAt(i) >= 0x80) {
				return new String(value.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
			}
		}
		return value;
	}

	/**
	 * The environ key of a request header: {@code "User-Agent"} gives {@code "HTTP_USER_AGENT"},
	 * {@code "Content-Type"} gives {@code "CONTENT_TYPE"}.
	 * @param headerName the header name
	 * @return the key
	 */
	public static String headerKey(String headerName) {
		String upper = headerName.toUpperCase(Locale.ROOT).replace('-', '_');
		if (upper.equals(CONTENT_TYPE) || upper.equals(CONTENT_LENGTH)) {
			return upper;
		}
		return HTTP_PREFIX + upper;
	}

	private String string(String key, String defaultValue) {
		Object value = this.environ.get(key);
		return (value instanceof String string) ? string : defaultValue;
	}

	private static String formDecode(String s, int start, int end) {
		int i = start;
		while (i < end && s.charAt(i) != '%' && s.charAt(i) != '+' && s.charAt(i) < 0x80) {
			i++;
		}
		if (i == end) {
			return s.substring(start, end);
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
		for (i = start; i < end; i++) {
			char c = s.charAt(i);
			int hi;
			int lo;
			if (c == '+') {
				bytes.write(' ');
			}
			else if (c == '%' && i + 2 < end && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
					&& (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
				bytes.write((hi << 4) | lo);
				i += 2;
			}
			else {
				// native strings carry one byte per char
				bytes.write(c);
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
