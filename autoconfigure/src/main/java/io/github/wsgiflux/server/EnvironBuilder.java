package io.github.wsgiflux.server;

import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.FileWrapper;
import io.github.wsgiflux.spi.WsgiInput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.RequestPath;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Builds the PEP 3333 environ of a request, on the event loop and without touching the body. One instance per mount;
 * everything that does not depend on the request is computed once.
 */
public final class EnvironBuilder {

	private static final Log logger = LogFactory.getLog(EnvironBuilder.class);

	private static final List<Integer> WSGI_VERSION = List.of(1, 0);

	private static final Map<String, String> COMMON_HEADER_KEYS = commonHeaderKeys();

	/** Room for the CGI and wsgi.* keys plus a typical browser's headers, so that the map never rehashes. */
	private static final int INITIAL_CAPACITY = 64;

	private final String rawMountPath;

	private final FileWrapper fileWrapper;

	/**
	 * Create a builder for one mount.
	 * @param mount the mount whose path becomes {@code SCRIPT_NAME}
	 */
	public EnvironBuilder(WsgiMount mount) {
		this(mount.getRawPath());
	}

	EnvironBuilder(String rawMountPath) {
		this.rawMountPath = rawMountPath;
		this.fileWrapper = InputStreamFileWrapper.INSTANCE;
	}

	/**
	 * Build the environ of a request.
	 * @param request the request
	 * @param input the request body stream
	 * @param errors the error stream
	 * @return a new mutable environ
	 * @throws InvalidRequestException when the path has invalid percent-encoding or encodes NUL
	 */
	public Map<String, Object> build(ServerHttpRequest request, WsgiInput input, Writer errors)
			throws InvalidRequestException {
		Map<String, Object> environ = new HashMap<>(INITIAL_CAPACITY);
		environ.put(Environ.REQUEST_METHOD, request.getMethod().name());
		putPath(environ, request.getPath());
		URI uri = request.getURI();
		String query = uri.getRawQuery();
		environ.put(Environ.QUERY_STRING, (query != null) ? query : "");
		putServer(environ, uri);
		environ.put(Environ.SERVER_PROTOCOL, HttpProtocols.protocol(request));
		putRemote(environ, request.getRemoteAddress());
		request.getHeaders().forEach((name, values) -> putHeader(environ, name, values));
		environ.put(Environ.WSGI_VERSION, WSGI_VERSION);
		environ.put(Environ.WSGI_URL_SCHEME, "https".equalsIgnoreCase(uri.getScheme()) ? "https" : "http");
		environ.put(Environ.WSGI_INPUT, input);
		environ.put(Environ.WSGI_ERRORS, errors);
		environ.put(Environ.WSGI_MULTITHREAD, Boolean.TRUE);
		environ.put(Environ.WSGI_MULTIPROCESS, Boolean.FALSE);
		environ.put(Environ.WSGI_RUN_ONCE, Boolean.FALSE);
		environ.put(Environ.WSGI_INPUT_TERMINATED, Boolean.TRUE);
		environ.put(Environ.WSGI_FILE_WRAPPER, this.fileWrapper);
		return environ;
	}

	private void putPath(Map<String, Object> environ, RequestPath path) throws InvalidRequestException {
		String contextPath = path.contextPath().value();
		String within = path.pathWithinApplication().value();
		int split = this.rawMountPath.length();
		String scriptName = decodePath(contextPath) + decodePath(within.substring(0, split));
		environ.put(Environ.SCRIPT_NAME, scriptName.equals("/") ? "" : scriptName);
		environ.put(Environ.PATH_INFO, decodePath(within.substring(split)));
	}

	private static void putServer(Map<String, Object> environ, URI uri) {
		String host = uri.getHost();
		if (host == null) {
			host = "localhost";
		}
		else if (host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']') {
			host = host.substring(1, host.length() - 1);
		}
		int port = uri.getPort();
		if (port < 0) {
			port = "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
		}
		environ.put(Environ.SERVER_NAME, host);
		environ.put(Environ.SERVER_PORT, Integer.toString(port));
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
			key = headerKey(name);
			if (key == null) {
				if (logger.isDebugEnabled()) {
					logger.debug("Dropped request header '" + name + "': a name with '_' could impersonate one with '-'");
				}
				return;
			}
		}
		// Put, not append: a map of headers gives every value of a name at once (case-insensitively).
		environ.put(key, (values.size() == 1) ? values.get(0) : String.join(",", values));
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
