package io.github.wsgiflux.server;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import io.github.wsgiflux.spi.Environ;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The header section of a request in the environ: one {@code HTTP_*} key per field name ({@code CONTENT_TYPE} and
 * {@code CONTENT_LENGTH} without the prefix), the lines of one name joined, names with {@code _} dropped, and the
 * rules on the section checked on the way: the number of lines, singleton fields sent twice.
 */
final class EnvironHeaders {

	static final String HOST_KEY = "HTTP_HOST";

	private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";

	private static final String COOKIE_KEY = "HTTP_COOKIE";

	private static final Log logger = LogFactory.getLog(EnvironHeaders.class);

	private static final Map<String, String> COMMON_HEADER_KEYS = commonHeaderKeys();

	private EnvironHeaders() {
	}

	/**
	 * One {@code HTTP_*} key per header, checking the rules on the header section: the number of lines, singleton
	 * fields that came more than once.
	 * @param environ the environ to put the keys in
	 * @param request the request the handler got
	 * @param nativeRequest its Reactor Netty request, or {@code null}
	 * @param http2 whether the request came over HTTP/2
	 * @param maxHeaderCount the most header lines accepted, or -1
	 * @return the {@code Host} field value, or {@code null}
	 */
	static @Nullable String put(Map<String, Object> environ, ServerHttpRequest request, @Nullable Object nativeRequest,
			boolean http2, int maxHeaderCount) throws InvalidRequestException {
		HeaderScan scan = new HeaderScan(environ, http2);
		if (!HttpProtocols.forEachReceivedHeader(request, nativeRequest, scan)) {
			// Not parsed by Reactor Netty's HTTP/1.1 decoder (the test client, another server): check the values as
			// it does.
			scan.checkValues = true;
			// The map's own forEach: HttpHeaders.headerSet() copies every entry of read-only headers, and their
			// HttpHeaders.forEach looks each name up again (a case-insensitive get per header).
			request.getHeaders().asMultiValueMap().forEach((name, values) -> {
				for (String value : values) {
					scan.accept(name, value);
				}
			});
		}
		String invalid = scan.invalidValue;
		if (invalid != null) {
			throw new InvalidRequestException(RefusalLog.Cause.FIELD_VALUE, 400, invalid);
		}
		String duplicate = scan.duplicate;
		if (duplicate != null) {
			// RFC 9112 3.2 (Host: MUST 400); RFC 9110 5.3: a field that is not a list must not be repeated, and
			// joining two Content-Type or Content-Length values would change the body's meaning.
			throw new InvalidRequestException(duplicate.equalsIgnoreCase("Host") ? RefusalLog.Cause.HOST
					: RefusalLog.Cause.DUPLICATE_FIELD, "Field '" + duplicate + "' sent more than once");
		}
		if (maxHeaderCount >= 0 && scan.lines > maxHeaderCount) {
			throw new InvalidRequestException(RefusalLog.Cause.HEADER_COUNT, 431,
					scan.lines + " header lines, more than wsgi.request.max-header-count " + maxHeaderCount);
		}
		return scan.host;
	}

	private static boolean isSingleton(String key) {
		return key.equals(HOST_KEY) || key.equals(Environ.CONTENT_TYPE) || key.equals(Environ.CONTENT_LENGTH);
	}

	/**
	 * The environ key of a header name, or {@code null} for a name the environ does not carry.
	 */
	private static @Nullable String keyOf(String name) {
		String key = COMMON_HEADER_KEYS.get(name);
		if (key != null) {
			return key;
		}
		if (name.equalsIgnoreCase(RequestTargetEncoder.ORIGINAL_TARGET_HEADER)) {
			// The gateway's own carrier of the request-target: QUERY_STRING and PATH_INFO already hold it.
			return null;
		}
		key = headerKey(name);
		if (key == null && logger.isDebugEnabled()) {
			logger.debug("Dropped request header '" + name + "': a name with '_' could impersonate one with '-'");
		}
		return key;
	}

	/**
	 * The environ key of a header name, or {@code null} for a name that contains {@code _}.
	 */
	static @Nullable String headerKey(String name) {
		int length = name.length();
		boolean content = length > 8 && name.regionMatches(true, 0, "Content-", 0, 8)
				&& (name.equalsIgnoreCase("Content-Type") || name.equalsIgnoreCase("Content-Length"));
		int offset = content ? 0 : Environ.HTTP_PREFIX.length();
		char[] key = new char[offset + length];
		if (!content) {
			Environ.HTTP_PREFIX.getChars(0, offset, key, 0);
		}
		for (int i = 0; i < length; i++) {
			char c = name.charAt(i);
			if (c == '_') {
				return null;
			}
			if (c == '-') {
				c = '_';
			}
			else if (c >= 'a' && c <= 'z') {
				c = (char) (c - ('a' - 'A'));
			}
			key[offset + i] = c;
		}
		return new String(key);
	}

	/**
	 * Puts the {@code HTTP_*} keys while counting the lines and noting the {@code Host} value and a repeated
	 * singleton field.
	 */
	private static final class HeaderScan implements BiConsumer<String, String> {

		private final Map<String, Object> environ;

		private int lines;

		private @Nullable String host;

		private @Nullable String duplicate;

		private final boolean http2;

		/**
		 * Whether values are checked and trimmed here. Reactor Netty's HTTP/1.1 decoder refuses control characters
		 * and strips the whitespace around a value (RFC 9110 5.5: it is not part of the value); its HTTP/2 codec
		 * does neither.
		 */
		boolean checkValues;

		private @Nullable String invalidValue;

		HeaderScan(Map<String, Object> environ, boolean http2) {
			this.environ = environ;
			this.http2 = http2;
			this.checkValues = http2;
		}

		/** One header line: its name as received and its value. */
		@Override
		public void accept(String name, String value) {
			if (this.http2 && name.regionMatches(true, 0, HTTP2_EXTENSION_PREFIX, 0, HTTP2_EXTENSION_PREFIX.length())) {
				// Netty's HTTP/2-to-HTTP/1 conversion adds x-http2-scheme, x-http2-stream-id...: not the client's
				// headers (PEP 3333: HTTP_ variables are the client's request headers).
				return;
			}
			this.lines++;
			String key = keyOf(name);
			if (key == null) {
				return;
			}
			if (this.http2 && key.equals(COOKIE_KEY)) {
				// Netty joins the cookie crumbs of an HTTP/2 request into one value (RFC 9113 8.2.3), an empty crumb
				// included: "a=1" and "" arrive as "a=1; ". Read it as the pairs it was made of.
				value = cookiePairs(value);
			}
			if (this.checkValues) {
				value = checkedValue(name, value);
				if (value == null) {
					return;
				}
			}
			Object previous = this.environ.put(key, value);
			if (previous == null) {
				if (key.equals(HOST_KEY)) {
					this.host = value;
				}
				return;
			}
			if (isSingleton(key)) {
				this.duplicate = name;
			}
			// Lines of one name (in any case) are joined in order, as RFC 9110 5.3 allows for a list field. Cookie is
			// no list field: its lines are joined as HTTP/2 joins cookie crumbs (RFC 9113 8.2.3), which cookie
			// parsers read; an empty line adds no empty cookie-pair (RFC 6265 5.4 never sends one).
			if (COOKIE_KEY.equals(key)) {
				if (value.isEmpty()) {
					this.environ.put(key, previous);
				}
				else if (!((String) previous).isEmpty()) {
					this.environ.put(key, previous + "; " + value);
				}
				return;
			}
			this.environ.put(key, previous + "," + value);
		}

		/**
		 * The value without the whitespace around it, or {@code null} when it cannot be a field value (noted for a
		 * 400): RFC 9110 5.5 allows visible characters, obs-text bytes and, inside a value, spaces and tabs; over
		 * HTTP/2 a value that starts or ends with whitespace is malformed (RFC 9113 8.2.1).
		 */
		private @Nullable String checkedValue(String name, String value) {
			String stripped = ResponseHead.stripWhitespace(value);
			if (this.http2 && stripped.length() != value.length()) {
				return invalid(name, "starts or ends with whitespace (RFC 9113 8.2.1)");
			}
			int invalid = ResponseHead.indexOfInvalidValueChar(stripped);
			if (invalid >= 0) {
				return invalid(name, String.format("has the character U+%04X, which RFC 9110 5.5 does not allow in a "
						+ "field value", (int) stripped.charAt(invalid)));
			}
			return stripped;
		}

		private @Nullable String invalid(String name, String reason) {
			if (this.invalidValue == null) {
				this.invalidValue = "The value of field '" + name + "' " + reason;
			}
			return null;
		}

	}

	/**
	 * A joined cookie value without its empty cookie-pairs (RFC 6265 5.4 sends none) and the whitespace at its ends;
	 * every other pair as sent, and the value itself when there is nothing to drop, as in a client's usually.
	 */
	static String cookiePairs(String value) {
		if (!hasBlankPairOrEdge(value)) {
			return value;
		}
		StringBuilder pairs = new StringBuilder(value.length());
		for (String pair : value.split(";", -1)) {
			if (!isBlank(pair, 0, pair.length())) {
				if (!pairs.isEmpty()) {
					pairs.append(';');
				}
				pairs.append(pair);
			}
		}
		return ResponseHead.stripWhitespace(pairs.toString());
	}

	private static boolean hasBlankPairOrEdge(String value) {
		int length = value.length();
		if (length == 0) {
			return false;
		}
		if (isBlank(value, 0, 1) || isBlank(value, length - 1, length)) {
			return true;
		}
		int start = 0;
		for (int i = value.indexOf(';'); i >= 0; i = value.indexOf(';', start)) {
			if (isBlank(value, start, i)) {
				return true;
			}
			start = i + 1;
		}
		return isBlank(value, start, length);
	}

	/** Whether the range holds nothing but spaces and tabs (or nothing). */
	private static boolean isBlank(String value, int from, int to) {
		for (int i = from; i < to; i++) {
			if (!ResponseHead.isWhitespace(value.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	private static Map<String, String> commonHeaderKeys() {
		String[] names = { "Host", "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset",
				"Connection", "Cookie", "Referer", "Origin", "Cache-Control", "Pragma", "Authorization",
				"Content-Type", "Content-Length", "Upgrade-Insecure-Requests", "If-None-Match", "If-Modified-Since",
				"X-Requested-With", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Request-Id",
				"Transfer-Encoding", "Expect", "Range", "DNT", "Sec-Fetch-Site", "Sec-Fetch-Mode",
				"Sec-Fetch-Dest", "Sec-Fetch-User", "Keep-Alive", "TE", "Upgrade", "Priority" };
		Map<String, String> keys = new HashMap<>();
		for (String name : names) {
			String key = Objects.requireNonNull(headerKey(name));
			keys.put(name, key);
			keys.put(name.toLowerCase(Locale.ROOT), key);
		}
		return Map.copyOf(keys);
	}

}
