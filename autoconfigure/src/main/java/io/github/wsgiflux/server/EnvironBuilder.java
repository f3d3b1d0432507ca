package io.github.wsgiflux.server;

import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.FileWrapper;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Builds the PEP 3333 environ of a request, on the event loop and without touching the body, from the request as
 * received: the request-target (RFC 9112 3.2) and the {@code Host} field, or the forwarded values when a
 * forwarded-headers strategy is on, never from Spring's parsed URI alone. The rules on the request line and the
 * header section are checked here, before the application is scheduled. One instance per mount; everything that
 * does not depend on the request is computed once.
 */
public final class EnvironBuilder {

	private static final List<Integer> WSGI_VERSION = List.of(1, 0);

	/** The CGI and wsgi.* keys plus a browser's headers: the map does not grow for a typical request. */
	private static final int EXPECTED_ENTRIES = 40;

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
		Map<String, Object> environ = new EnvironMap(EXPECTED_ENTRIES);
		environ.put(Environ.REQUEST_METHOD, request.getMethod().name());
		putPath(environ, request, target);
		environ.put(Environ.QUERY_STRING, target.rawQuery());
		String protocol = target.protocol();
		environ.put(Environ.SERVER_PROTOCOL, protocol);
		String host = EnvironHeaders.put(environ, request, target.nativeRequest(), !protocol.startsWith("HTTP/1."),
				this.settings.maxHeaderCount());
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
			environ.put(EnvironHeaders.HOST_KEY, authority);
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

}
