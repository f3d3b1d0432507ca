package io.github.wsgiflux.server;

/**
 * A {@code Host} field value or the authority of an absolute-form request-target, parsed as RFC 9110 7.2 defines it
 * ({@code uri-host [ ":" port ]}) rather than as {@code java.net.URI} does: a reg-name is any run of unreserved
 * characters, sub-delims and percent-escapes, so {@code legacy_app:8080} (a docker-compose service name) is valid.
 */
final class HostAndPort {

	/** RFC 3986 unreserved and sub-delims, and '%' of a pct-encoded octet: what a reg-name is made of. */
	private static final boolean[] REG_NAME = new boolean[128];

	static {
		for (char c = 'a'; c <= 'z'; c++) {
			REG_NAME[c] = true;
			REG_NAME[c - 'a' + 'A'] = true;
		}
		for (char c = '0'; c <= '9'; c++) {
			REG_NAME[c] = true;
		}
		for (char c : "-._~!$&'()*+,;=%".toCharArray()) {
			REG_NAME[c] = true;
		}
	}

	private final String host;

	private final int port;

	private HostAndPort(String host, int port) {
		this.host = host;
		this.port = port;
	}

	/**
	 * The host: a reg-name or IPv4 address as sent, an IPv6 literal without its brackets.
	 */
	String host() {
		return this.host;
	}

	/**
	 * The port, or -1 when none was given.
	 */
	int port() {
		return this.port;
	}

	/**
	 * Parse a non-empty authority.
	 * @param value the field value or authority
	 * @param what what is parsed, for the message
	 * @throws InvalidRequestException when it is not {@code uri-host [ ":" port ]} with a non-empty host
	 */
	static HostAndPort parse(String value, String what) throws InvalidRequestException {
		int length = value.length();
		int hostEnd;
		String host;
		if (length > 0 && value.charAt(0) == '[') {
			hostEnd = value.indexOf(']');
			if (hostEnd < 2 || !isIpLiteral(value, 1, hostEnd)) {
				throw invalid(value, what);
			}
			host = value.substring(1, hostEnd);
			hostEnd++;
		}
		else {
			hostEnd = value.indexOf(':');
			if (hostEnd < 0) {
				hostEnd = length;
			}
			// RFC 9110 4.2.1: an http(s) URI with an empty host is invalid, and a recipient MUST reject it.
			if (hostEnd == 0 || !isRegName(value, hostEnd)) {
				throw invalid(value, what);
			}
			host = (hostEnd == length) ? value : value.substring(0, hostEnd);
		}
		if (hostEnd == length) {
			return new HostAndPort(host, -1);
		}
		if (value.charAt(hostEnd) != ':') {
			throw invalid(value, what);
		}
		return new HostAndPort(host, port(value, hostEnd + 1, what));
	}

	private static int port(String value, int start, String what) throws InvalidRequestException {
		int length = value.length();
		if (start == length) {
			// port = *DIGIT: an empty port means the scheme's default.
			return -1;
		}
		if (length - start > 5) {
			throw invalid(value, what);
		}
		int port = 0;
		for (int i = start; i < length; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				throw invalid(value, what);
			}
			port = port * 10 + (c - '0');
		}
		if (port > 65535) {
			throw invalid(value, what);
		}
		return port;
	}

	private static boolean isRegName(String value, int end) {
		for (int i = 0; i < end; i++) {
			char c = value.charAt(i);
			if (c >= 128 || !REG_NAME[c]) {
				return false;
			}
		}
		return true;
	}

	private static boolean isIpLiteral(String value, int start, int end) {
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			// IPv6 (hex digits, ':', '.' of an embedded IPv4) or IPvFuture ("v" 1*HEXDIG "." ...); '%' of a zone.
			if (c >= 128 || !(REG_NAME[c] || c == ':')) {
				return false;
			}
		}
		return true;
	}

	private static InvalidRequestException invalid(String value, String what) {
		return new InvalidRequestException(RefusalLog.Cause.HOST,
				"Invalid " + what + " '" + value + "' (RFC 9110 7.2: uri-host [\":\" port])");
	}

}
