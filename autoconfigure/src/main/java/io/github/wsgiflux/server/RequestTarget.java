package io.github.wsgiflux.server;

import java.net.URI;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The request-target of a request as received, checked against its four forms (RFC 9112 3.2), with the path within
 * the web application percent-decoded as PEP 3333 shows it. Parsed once per request and kept on the exchange, so
 * that the mount is chosen on the very bytes {@code SCRIPT_NAME} and {@code PATH_INFO} show.
 */
final class RequestTarget {

	private static final String ATTRIBUTE = RequestTarget.class.getName();

	/** The forms of RFC 9112 3.2. */
	enum Form {

		/** {@code /path?query} (3.2.1). */
		ORIGIN,

		/** {@code http://authority/path?query} (3.2.2): its authority wins over {@code Host}. */
		ABSOLUTE,

		/** {@code *}, for a server-wide {@code OPTIONS} (3.2.4). */
		ASTERISK

	}

	private final @Nullable Form form;

	private final String rawQuery;

	private final @Nullable String authority;

	private final @Nullable HostAndPort authorityHostAndPort;

	private final @Nullable String pathWithinApplication;

	private final @Nullable InvalidRequestException error;

	private @Nullable Object nativeRequest;

	private String protocol = HttpProtocols.HTTP_1_1;

	private RequestTarget(Form form, String rawQuery, @Nullable String authority,
			@Nullable HostAndPort authorityHostAndPort, String pathWithinApplication) {
		this.form = form;
		this.rawQuery = rawQuery;
		this.authority = authority;
		this.authorityHostAndPort = authorityHostAndPort;
		this.pathWithinApplication = pathWithinApplication;
		this.error = null;
	}

	private RequestTarget(InvalidRequestException error) {
		this.form = null;
		this.rawQuery = "";
		this.authority = null;
		this.authorityHostAndPort = null;
		this.pathWithinApplication = null;
		this.error = error;
	}

	/**
	 * The request-target of an exchange, parsed on first use and kept for the handler: see {@link #forHandler}.
	 */
	static RequestTarget of(ServerWebExchange exchange) {
		RequestTarget target = exchange.getAttribute(ATTRIBUTE);
		if (target == null) {
			target = of(exchange.getRequest());
			exchange.getAttributes().put(ATTRIBUTE, target);
		}
		return target;
	}

	/**
	 * The request-target of an exchange for its last reader, the handler: the one routing kept, else parsed and not
	 * kept (a handler routed to by an application's own predicate), which spares a write to the exchange's
	 * concurrent attribute map.
	 */
	static RequestTarget forHandler(ServerWebExchange exchange) {
		RequestTarget target = exchange.getAttribute(ATTRIBUTE);
		return (target != null) ? target : of(exchange.getRequest());
	}

	/**
	 * Parse the request-target of a request: as received when the server is Reactor Netty, else rebuilt from the
	 * request's URI.
	 */
	static RequestTarget of(ServerHttpRequest request) {
		Object nativeRequest = HttpProtocols.nativeRequest(request);
		RequestTarget target;
		try {
			String received = HttpProtocols.rawTarget(nativeRequest);
			target = (received != null) ? parse(request, received) : fromUri(request);
		}
		catch (InvalidRequestException ex) {
			target = new RequestTarget(ex);
		}
		target.nativeRequest = nativeRequest;
		target.protocol = HttpProtocols.protocol(nativeRequest);
		return target;
	}

	private static RequestTarget parse(ServerHttpRequest request, String raw) throws InvalidRequestException {
		HttpMethod method = request.getMethod();
		if (method.name().equals("CONNECT")) {
			// RFC 9110 9.3.6: a tunnel, which a WSGI application cannot be; 501 is for methods a server does not
			// implement (15.6.2).
			throw new InvalidRequestException(RefusalLog.Cause.METHOD, 501,
					"CONNECT asks for a tunnel, which a WSGI gateway does not open");
		}
		int length = raw.length();
		if (length == 0) {
			throw invalid("Empty request-target");
		}
		char first = raw.charAt(0);
		if (first == '*' && length == 1) {
			if (method != HttpMethod.OPTIONS) {
				throw invalid("Asterisk-form request-target with " + method.name()
						+ " (RFC 9112 3.2.4: only for OPTIONS)");
			}
			return new RequestTarget(Form.ASTERISK, "", null, null, "*");
		}
		if (first == '/') {
			checkChars(raw, 0);
			return new RequestTarget(Form.ORIGIN, query(raw, 0), null, null, decodedPathWithinApplication(request));
		}
		int schemeEnd = schemeEnd(raw);
		if (schemeEnd > 0 && raw.startsWith("://", schemeEnd)) {
			if (!(schemeEnd == 4 && raw.regionMatches(true, 0, "http", 0, 4))
					&& !(schemeEnd == 5 && raw.regionMatches(true, 0, "https", 0, 5))) {
				throw invalid("Absolute-form request-target with scheme '"
						+ raw.substring(0, schemeEnd) + "' (RFC 9112 3.2.2: an http or https URI)");
			}
			int authorityStart = schemeEnd + 3;
			int authorityEnd = authorityStart;
			while (authorityEnd < length && raw.charAt(authorityEnd) != '/' && raw.charAt(authorityEnd) != '?') {
				authorityEnd++;
			}
			String authority = raw.substring(authorityStart, authorityEnd);
			if (authority.indexOf('@') >= 0) {
				throw invalid("Userinfo in request-target '" + raw + "' (RFC 9110 4.2.4)");
			}
			HostAndPort hostAndPort = HostAndPort.parse(authority, "authority of the request-target");
			checkChars(raw, authorityEnd);
			String path = decodedPathWithinApplication(request);
			if (path.isEmpty() && request.getPath().contextPath().value().isEmpty()) {
				// RFC 9112 3.2.1: an empty path is sent as "/" in origin-form; the same request in absolute-form.
				path = "/";
			}
			return new RequestTarget(Form.ABSOLUTE, query(raw, authorityEnd), authority, hostAndPort, path);
		}
		if (schemeEnd > 0 && raw.indexOf('/') < 0) {
			throw invalid("Authority-form request-target '" + raw + "' with " + method.name()
					+ " (RFC 9112 3.2.3: only for CONNECT)");
		}
		throw invalid("Request-target '" + raw + "' is neither origin-form nor absolute-form (RFC 9112 3.2)");
	}

	/**
	 * What a server other than Reactor Netty (or a mock) gives: its parsed, already validated URI; absolute when it
	 * names a host.
	 */
	private static RequestTarget fromUri(ServerHttpRequest request) throws InvalidRequestException {
		URI uri = request.getURI();
		String query = uri.getRawQuery();
		String authority = uri.isAbsolute() ? uri.getRawAuthority() : null;
		String path = decodedPathWithinApplication(request);
		if (authority == null) {
			return new RequestTarget(Form.ORIGIN, (query != null) ? query : "", null, null, path);
		}
		return new RequestTarget(Form.ABSOLUTE, (query != null) ? query : "", authority,
				HostAndPort.parse(authority, "authority of the request URI"), path);
	}

	/**
	 * The end of a URI scheme ({@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )}) at the start, or -1.
	 */
	private static int schemeEnd(String raw) {
		int length = raw.length();
		for (int i = 0; i < length; i++) {
			char c = raw.charAt(i);
			boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
			if (c == ':') {
				return i;
			}
			if (!alpha && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
				return -1;
			}
		}
		return -1;
	}

	/**
	 * Refuse what no request-target holds: a fragment (RFC 9112 3.2 has none), controls and whitespace. Other bytes
	 * that RFC 3986 wants encoded ({@code "}, {@code {}, non-ASCII...) are what real clients send unencoded, and pass.
	 */
	private static void checkChars(String raw, int from) throws InvalidRequestException {
		int length = raw.length();
		for (int i = from; i < length; i++) {
			char c = raw.charAt(i);
			if (c == '#') {
				throw invalid("Fragment in request-target '" + raw + "' (RFC 9112 3.2)");
			}
			if (c <= ' ' || c == 0x7F) {
				throw invalid("Control character or whitespace in the request-target");
			}
		}
	}

	private static InvalidRequestException invalid(String message) {
		return new InvalidRequestException(RefusalLog.Cause.REQUEST_TARGET, message);
	}

	private static String query(String raw, int from) {
		int index = raw.indexOf('?', from);
		return (index < 0) ? "" : raw.substring(index + 1);
	}

	/**
	 * The path within the application from Spring's parse of the request-target: its bytes decode to the same as
	 * those received (the hook of {@code WsgiRequestTargets} only percent-encodes bytes), and it honours the context
	 * path ({@code spring.webflux.base-path}, {@code X-Forwarded-Prefix}).
	 */
	private static String decodedPathWithinApplication(ServerHttpRequest request) throws InvalidRequestException {
		return EnvironBuilder.decodePath(request.getPath().pathWithinApplication().value());
	}

	/**
	 * Throw what made this target invalid, if anything.
	 */
	void check() throws InvalidRequestException {
		if (this.error != null) {
			throw this.error;
		}
	}

	/**
	 * Whether the target is the one received on the wire (Reactor Netty), not rebuilt from a parsed URI: only then
	 * are the rules on the request line and {@code Host} of the HTTP version known to apply.
	 */
	boolean isReceived() {
		return this.nativeRequest != null;
	}

	/**
	 * The Reactor Netty request, or {@code null} for another server or a mock.
	 */
	@Nullable Object nativeRequest() {
		return this.nativeRequest;
	}

	/**
	 * The HTTP version of the request line, as {@code SERVER_PROTOCOL} shows it.
	 */
	String protocol() {
		return this.protocol;
	}

	@Nullable Form form() {
		return this.form;
	}

	/**
	 * The query as received, without {@code ?}; empty when none.
	 */
	String rawQuery() {
		return this.rawQuery;
	}

	/**
	 * The authority of an absolute-form target, else {@code null}.
	 */
	@Nullable String authority() {
		return this.authority;
	}

	/**
	 * The authority of an absolute-form target, parsed, else {@code null}.
	 */
	@Nullable HostAndPort authorityHostAndPort() {
		return this.authorityHostAndPort;
	}

	/**
	 * The path within the web application, percent-decoded into ISO-8859-1 chars; {@code *} for the asterisk-form;
	 * {@code null} when invalid.
	 */
	@Nullable String pathWithinApplication() {
		return this.pathWithinApplication;
	}

}
