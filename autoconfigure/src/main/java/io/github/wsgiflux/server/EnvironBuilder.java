package io.github.wsgiflux.server;

import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.FileWrapper;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Builds the PEP 3333 environ of a request, on the event loop and without touching the body, from the request as
 * received: the request-target (RFC 9112 3.2) and the {@code Host} field, or the forwarded values when a
 * forwarded-headers strategy is on, never from Spring's parsed URI alone. The rules on the request line and the
 * header section are checked here, before the application is scheduled. One instance per mount; everything that
 * does not depend on the request is computed once.
 */
public final class EnvironBuilder {

	private static final String HTTP2_EXTENSION_PREFIX = "x-http2-";

	private static final String COOKIE_KEY = "HTTP_COOKIE";

	private static final Log logger = LogFactory.getLog(EnvironBuilder.class);

	private static final List<Integer> WSGI_VERSION = List.of(1, 0);

	private static final Map<String, String> COMMON_HEADER_KEYS = commonHeaderKeys();

	/** Room for the CGI and wsgi.* keys plus a typical browser's headers, so that the map never rehashes. */
	private static final int INITIAL_CAPACITY = 64;

	private final WsgiMount mount;

	private final WsgiEnvironSettings settings;

	private final FileWrapper fileWrapper;

	/**
	 * Create a builder for one mount, with the default settings.
	 * @param mount the mount whose path becomes {@code SCRIPT_NAME}
	 */
	public EnvironBuilder(WsgiMount mount) {
		this(mount, WsgiEnvironSettings.defaults());
	}

	/**
	 * Create a builder for one mount.
	 * @param mount the mount whose path becomes {@code SCRIPT_NAME}
	 * @param settings the header limit and where forwarded values come from
	 */
	public EnvironBuilder(WsgiMount mount, WsgiEnvironSettings settings) {
		this.mount = mount;
		this.settings = settings;
		this.fileWrapper = InputStreamFileWrapper.INSTANCE;
	}

	/**
	 * Build the environ of a request.
	 * @param request the request
	 * @param input the request body stream
	 * @param errors the error stream
	 * @return a new mutable environ
	 * @throws InvalidRequestException when the request-target, the {@code Host} field or another header breaks
	 * RFC 9112, there are too many header lines, or the path has invalid percent-encoding or encodes NUL
	 */
	public Map<String, Object> build(ServerHttpRequest request, WsgiInput input, Writer errors)
			throws InvalidRequestException {
		return build(request, RequestTarget.of(request), input, errors);
	}

	Map<String, Object> build(ServerHttpRequest request, RequestTarget target, WsgiInput input, Writer errors)
			throws InvalidRequestException {
		target.check();
		Map<String, Object> environ = new HashMap<>(INITIAL_CAPACITY);
		environ.put(Environ.REQUEST_METHOD, request.getMethod().name());
		putPath(environ, request, target);
		environ.put(Environ.QUERY_STRING, target.rawQuery());
		String protocol = target.protocol();
		environ.put(Environ.SERVER_PROTOCOL, protocol);
		String host = putHeaders(environ, request.getHeaders(), !protocol.startsWith("HTTP/1."));
		String scheme = "https".equalsIgnoreCase(request.getURI().getScheme()) ? "https" : "http";
		putServer(environ, request, target, protocol, host, scheme);
		putRemote(environ, request.getRemoteAddress());
		environ.put(Environ.WSGI_VERSION, WSGI_VERSION);
		environ.put(Environ.WSGI_URL_SCHEME, scheme);
		environ.put(Environ.WSGI_INPUT, input);
		environ.put(Environ.WSGI_ERRORS, errors);
		environ.put(Environ.WSGI_MULTITHREAD, Boolean.TRUE);
		environ.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
		environ.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
		environ.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
		environ.put(Environ.WSGI_FILE_WRAPPER, this.fileWrapper);
		return environ;
	}

	/**
	 * {@code SCRIPT_NAME} and {@code PATH_INFO} from the decoded path the mount was chosen on: the context path and
	 * the mount path, then the rest.
	 */
	private void putPath(Map<String, Object> environ, ServerHttpRequest request, RequestTarget target)
			throws InvalidRequestException {
		String within = Objects.requireNonNull(target.pathWithinApplication());
		String contextPath = decodePath(request.getPath().contextPath().value());
		String mountPath = this.mount.getDecodedPath();
		String scriptName = contextPath;
		String pathInfo = within;
		if (target.form() != RequestTarget.Form.ASTERISK && this.mount.matches(within)) {
			scriptName = contextPath + mountPath;
			pathInfo = within.substring(mountPath.length());
		}
		environ.put(Environ.SCRIPT_NAME, scriptName.equals("/") ? "" : scriptName);
		environ.put(Environ.PATH_INFO, pathInfo);
	}

	/**
	 * One {@code HTTP_*} key per header, checking the rules on the header section: the number of lines, singleton
	 * fields that came more than once.
	 * @return the {@code Host} field value, or {@code null}
	 */
	private @Nullable String putHeaders(Map<String, Object> environ, HttpHeaders headers, boolean http2)
			throws InvalidRequestException {
		// forEach, not headerSet(): Spring's read-only headers copy every entry for the latter.
		HeaderScan scan = new HeaderScan(environ, http2);
		headers.forEach(scan);
		String duplicate = scan.duplicate;
		if (duplicate != null) {
			// RFC 9112 3.2 (Host: MUST 400); RFC 9110 5.3: a field that is not a list must not be repeated, and
			// joining two Content-Type or Content-Length values would change the body's meaning.
			throw new InvalidRequestException(duplicate.equalsIgnoreCase("Host") ? RefusalLog.Cause.HOST
					: RefusalLog.Cause.DUPLICATE_FIELD, "Field '" + duplicate + "' sent more than once");
		}
		int max = this.settings.maxHeaderCount();
		if (max >= 0 && scan.lines > max) {
			throw new InvalidRequestException(RefusalLog.Cause.HEADER_COUNT, 431,
					scan.lines + " header lines, more than wsgi.request.max-header-count " + max);
		}
		return scan.host;
	}

	private static boolean isSingleton(String name) {
		return name.equalsIgnoreCase("Host") || name.equalsIgnoreCase("Content-Type")
				|| name.equalsIgnoreCase("Content-Length");
	}

	/**
	 * {@code SERVER_NAME}, {@code SERVER_PORT} and {@code HTTP_HOST} from one source, so that they always agree: the
	 * forwarded values when a strategy is on and a proxy sent them, else the authority of an absolute-form target
	 * (RFC 9112 3.2.2), else the {@code Host} field, else (HTTP/1.0 without one) the server's own address and port.
	 */
	private void putServer(Map<String, Object> environ, ServerHttpRequest request, RequestTarget target,
			String protocol, @Nullable String hostField, String scheme) throws InvalidRequestException {
		if (hostField == null && target.isReceived() && HttpProtocols.HTTP_1_1.equals(protocol)) {
			throw new InvalidRequestException(RefusalLog.Cause.HOST,
					"No Host field in an HTTP/1.1 request (RFC 9112 3.2)");
		}
		HostAndPort fieldAuthority = (hostField != null && !hostField.isEmpty())
				? HostAndPort.parse(hostField, "Host field") : null;
		String authority = forwardedAuthority(request, target.nativeRequest());
		HostAndPort server;
		if (authority != null) {
			server = HostAndPort.parse(authority, "forwarded authority");
		}
		else if (target.authority() != null) {
			authority = target.authority();
			server = target.authorityHostAndPort();
		}
		else {
			server = fieldAuthority;
		}
		if (server == null) {
			InetSocketAddress local = request.getLocalAddress();
			InetAddress address = (local != null) ? local.getAddress() : null;
			environ.put(Environ.SERVER_NAME, (address != null) ? address.getHostAddress() : "localhost");
			environ.put(Environ.SERVER_PORT, Integer.toString((local != null) ? local.getPort() : defaultPort(scheme)));
			return;
		}
		if (authority != null) {
			environ.put("HTTP_HOST", authority);
		}
		environ.put(Environ.SERVER_NAME, server.host());
		environ.put(Environ.SERVER_PORT,
				(server.port() >= 0) ? Integer.toString(server.port()) : Integer.toString(defaultPort(scheme)));
	}

	/**
	 * The {@code host[:port]} a proxy forwarded, as the strategy in use understood it, or {@code null} when no
	 * strategy is on or no proxy header arrived.
	 */
	private @Nullable String forwardedAuthority(ServerHttpRequest request, @Nullable Object nativeRequest) {
		WsgiEnvironSettings.ForwardedHeaders forwarded = this.settings.forwardedHeaders();
		if (forwarded == WsgiEnvironSettings.ForwardedHeaders.NONE
				|| !HttpProtocols.hasForwardedHost(request, nativeRequest)) {
			return null;
		}
		if (forwarded == WsgiEnvironSettings.ForwardedHeaders.NATIVE) {
			String nativeAuthority = HttpProtocols.nativeHostAndPort(nativeRequest);
			if (nativeAuthority != null) {
				return withoutDefaultPort(nativeAuthority, request.getURI().getScheme());
			}
		}
		// Spring's ForwardedHeaderTransformer rewrote the request's URI (java.net.URI may leave the host of a reg-name
		// it does not like undefined, but keeps the raw authority).
		return request.getURI().getRawAuthority();
	}

	private static String withoutDefaultPort(String hostAndPort, @Nullable String scheme) {
		String suffix = "https".equalsIgnoreCase(scheme) ? ":443" : ":80";
		return hostAndPort.endsWith(suffix) ? hostAndPort.substring(0, hostAndPort.length() - suffix.length())
				: hostAndPort;
	}

	private static int defaultPort(String scheme) {
		return "https".equals(scheme) ? 443 : 80;
	}

	private static void putRemote(Map<String, Object> environ, @Nullable InetSocketAddress remote) {
		if (remote == null) {
			return;
		}
		InetAddress address = remote.getAddress();
		environ.put(Environ.REMOTE_ADDR, (address != null) ? address.getHostAddress() : remote.getHostString());
		environ.put(Environ.REMOTE_PORT, Integer.toString(remote.getPort()));
	}

	private static void putHeader(Map<String, Object> environ, String name, List<String> values) {
		String key = COMMON_HEADER_KEYS.get(name);
		if (key == null) {
			if (name.equalsIgnoreCase(RequestTargetEncoder.ORIGINAL_TARGET_HEADER)) {
				// The gateway's own carrier of the request-target: QUERY_STRING and PATH_INFO already hold it.
				return;
			}
			key = headerKey(name);
			if (key == null) {
				if (logger.isDebugEnabled()) {
					logger.debug("Dropped request header '" + name + "': a name with '_' could impersonate one with '-'");
				}
				return;
			}
		}
		// Put, not append: a map of headers gives every value of a name at once (case-insensitively). Cookie is no
		// list field: its lines are joined as HTTP/2 joins cookie crumbs (RFC 9113 8.2.3), which cookie parsers read.
		environ.put(key, (values.size() == 1) ? values.get(0)
				: String.join(COOKIE_KEY.equals(key) ? "; " : ",", values));
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
	 * Percent-decode a raw path into a PEP 3333 native string: each decoded byte becomes one char (ISO-8859-1).
	 */
	static String decodePath(String raw) throws InvalidRequestException {
		int length = raw.length();
		int i = 0;
		while (i < length) {
			char c = raw.charAt(i);
			if (c == '%' || c > 0xFF) {
				break;
			}
			i++;
		}
		if (i == length) {
			return raw;
		}
		StringBuilder decoded = new StringBuilder(length);
		decoded.append(raw, 0, i);
		for (; i < length; i++) {
			char c = raw.charAt(i);
			if (c == '%') {
				int hi = (i + 2 < length) ? Character.digit(raw.charAt(i + 1), 16) : -1;
				int lo = (hi >= 0) ? Character.digit(raw.charAt(i + 2), 16) : -1;
				if (lo < 0) {
					throw new InvalidRequestException("Invalid percent-encoding in path '" + raw + "'");
				}
				int b = (hi << 4) | lo;
				if (b == 0) {
					throw new InvalidRequestException("Encoded NUL (%00) in path '" + raw + "'");
				}
				decoded.append((char) b);
				i += 2;
			}
			else if (c > 0xFF) {
				// Not a byte: a server that decoded the request line as text; send its UTF-8 bytes.
				for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
					decoded.append((char) (b & 0xFF));
				}
			}
			else {
				decoded.append(c);
			}
		}
		return decoded.toString();
	}

	/**
	 * Puts the {@code HTTP_*} keys while counting the lines and noting the {@code Host} value and a repeated
	 * singleton field.
	 */
	private static final class HeaderScan implements BiConsumer<String, List<String>> {

		private final Map<String, Object> environ;

		private int lines;

		private @Nullable String host;

		private @Nullable String duplicate;

		private final boolean http2;

		HeaderScan(Map<String, Object> environ, boolean http2) {
			this.environ = environ;
			this.http2 = http2;
		}

		@Override
		public void accept(String name, List<String> values) {
			if (this.http2 && name.regionMatches(true, 0, HTTP2_EXTENSION_PREFIX, 0, HTTP2_EXTENSION_PREFIX.length())) {
				// Netty's HTTP/2-to-HTTP/1 conversion adds x-http2-scheme, x-http2-stream-id...: not the client's
				// headers (PEP 3333: HTTP_ variables are the client's request headers).
				return;
			}
			this.lines += values.size();
			if (values.size() > 1 && isSingleton(name)) {
				this.duplicate = name;
			}
			if (name.equalsIgnoreCase("Host")) {
				this.host = values.get(0);
			}
			putHeader(this.environ, name, values);
		}

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
			String key = java.util.Objects.requireNonNull(headerKey(name));
			keys.put(name, key);
			keys.put(name.toLowerCase(Locale.ROOT), key);
		}
		return Map.copyOf(keys);
	}

}
