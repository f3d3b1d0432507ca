package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.List;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.InvalidResponseException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;

/**
 * The status and headers an application passed to {@code start_response}, validated once: a status line of three
 * digits, a space and a reason; header names that are HTTP tokens; values without control characters; no hop-by-hop
 * headers (the server owns the connection).
 * <p>
 * Leading and trailing whitespace (SP, HTAB) of a value is removed, as gunicorn does: RFC 9110 section 5.5 says such
 * optional whitespace is not part of the field value, and real applications send it (Django writes every
 * {@code Set-Cookie} as {@code " name=value; Path=/"}). What remains must be {@code field-content} (RFC 9110 5.5):
 * no control character but HTAB, no DEL, nothing above 0xFF. These are exactly the rules Reactor Netty's header
 * validation applies, so a head accepted here is never refused when it is copied into the HTTP response.
 */
final class ResponseHead {

	private static final String[] HOP_BY_HOP = { "Connection", "Keep-Alive", "Proxy-Authenticate",
			"Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade" };

	/** RFC 9110 tchar: the characters allowed in a header name. */
	private static final boolean[] TOKEN = tokenChars();

	final HttpStatusCode status;

	/** The headers as the application gave them, validated. */
	final List<Header> headers;

	/** The declared {@code Content-Length}, or -1. */
	final long contentLength;

	private ResponseHead(HttpStatusCode status, List<Header> headers, long contentLength) {
		this.status = status;
		this.headers = headers;
		this.contentLength = contentLength;
	}

	/**
	 * Validate what the application passed.
	 * @throws InvalidResponseException naming the offending status or header
	 */
	static ResponseHead of(String status, List<Header> headers) {
		int code = parseStatus(status);
		long contentLength = -1;
		List<Header> normalized = headers;
		for (int index = 0; index < headers.size(); index++) {
			Header header = headers.get(index);
			String name = header.name();
			String value = stripWhitespace(header.value());
			checkName(name);
			checkValue(name, value);
			if (value.length() != header.value().length()) {
				if (normalized == headers) {
					// Copied only when a value had whitespace to strip: the common case allocates nothing.
					normalized = new ArrayList<>(headers);
				}
				normalized.set(index, new Header(name, value));
			}
			for (String hopByHop : HOP_BY_HOP) {
				if (hopByHop.equalsIgnoreCase(name)) {
					throw new InvalidResponseException("Hop-by-hop header '" + name + "' is not allowed in a WSGI "
							+ "response (PEP 3333): the server manages the connection");
				}
			}
			if (name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH)) {
				contentLength = parseContentLength(value, contentLength);
			}
		}
		return new ResponseHead(HttpStatusCode.valueOf(code), normalized, contentLength);
	}

	/**
	 * Whether a body is allowed with this status (not 1xx, 204 or 304).
	 */
	boolean allowsBody() {
		int code = this.status.value();
		return code >= 200 && code != 204 && code != 304;
	}

	private static int parseStatus(String status) {
		if (status.length() < 4 || status.charAt(3) != ' ') {
			throw new InvalidResponseException("Invalid status '" + escape(status)
					+ "': expected three digits, a space and a reason, as in '200 OK'");
		}
		int code = 0;
		for (int i = 0; i < 3; i++) {
			char c = status.charAt(i);
			if (c < '0' || c > '9') {
				throw new InvalidResponseException("Invalid status '" + escape(status) + "': the code is not numeric");
			}
			code = code * 10 + (c - '0');
		}
		if (code < 100) {
			throw new InvalidResponseException("Invalid status '" + escape(status) + "': the code must be >= 100");
		}
		for (int i = 4; i < status.length(); i++) {
			if (isControl(status.charAt(i))) {
				throw new InvalidResponseException("Invalid status '" + escape(status)
						+ "': control character in the reason");
			}
		}
		return code;
	}

	private static void checkName(String name) {
		if (name.isEmpty()) {
			throw new InvalidResponseException("Empty response header name");
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c >= TOKEN.length || !TOKEN[c]) {
				throw new InvalidResponseException("Invalid response header name '" + escape(name)
						+ "': not an HTTP token");
			}
		}
	}

	/**
	 * The value without leading and trailing SP and HTAB (RFC 9110 5.5: OWS around a field value is not part of it).
	 */
	static String stripWhitespace(String value) {
		int start = 0;
		int end = value.length();
		while (start < end && isWhitespace(value.charAt(start))) {
			start++;
		}
		while (end > start && isWhitespace(value.charAt(end - 1))) {
			end--;
		}
		return (start == 0 && end == value.length()) ? value : value.substring(start, end);
	}

	/** Whether a char is optional whitespace around a field value (RFC 9110 5.6.3: SP or HTAB). */
	static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t';
	}

	private static void checkValue(String name, String value) {
		int i = indexOfInvalidValueChar(value);
		if (i >= 0) {
			char c = value.charAt(i);
			throw new InvalidResponseException("Invalid value of response header '" + name + "': "
					+ ((c > 0xFF) ? "a char outside ISO-8859-1" : "control character 0x" + Integer.toHexString(c))
					+ " at index " + i);
		}
	}

	/**
	 * Where a value has a character no field value may hold (RFC 9110 5.5: a control character but HTAB, DEL, or a
	 * char that is not a byte), or -1.
	 */
	static int indexOfInvalidValueChar(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((isControl(c) && c != '\t') || c > 0xFF) {
				return i;
			}
		}
		return -1;
	}

	private static long parseContentLength(String value, long previous) {
		long length;
		try {
			length = Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			length = -1;
		}
		if (length < 0 || (previous >= 0 && previous != length)) {
			throw new InvalidResponseException("Invalid response header 'Content-Length: " + escape(value) + "'");
		}
		return length;
	}

	private static boolean isControl(char c) {
		return c < 0x20 || c == 0x7F;
	}

	private static String escape(String value) {
		StringBuilder escaped = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (isControl(c)) {
				escaped.append(String.format("\\x%02x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static boolean[] tokenChars() {
		boolean[] token = new boolean[128];
		for (char c = '0'; c <= '9'; c++) {
			token[c] = true;
		}
		for (char c = 'a'; c <= 'z'; c++) {
			token[c] = true;
			token[c - 'a' + 'A'] = true;
		}
		for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
			token[c] = true;
		}
		return token;
	}

}
