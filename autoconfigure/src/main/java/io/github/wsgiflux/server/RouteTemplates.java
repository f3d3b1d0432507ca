package io.github.wsgiflux.server;

/**
 * The route template of a request path: each segment that is an identifier becomes {@code {id}}, so that
 * {@code /users/42/orders/7} and {@code /users/43/orders/9} are one route, {@code /users/{id}/orders/{id}}.
 * Identifiers are segments of decimal digits, UUIDs ({@code 8-4-4-4-12} hexadecimal digits) and hexadecimal strings
 * of 16 digits or more (hashes, object ids). Percent-escapes are not decoded: a segment holding one is kept as it is.
 * <p>
 * A hand-written scan of the path, for the request path: {@link #hash} and {@link #matches} read the path where it
 * is and allocate nothing, so that a route already known is found without building its template; {@link #template}
 * allocates only when a segment is collapsed.
 */
public final class RouteTemplates {

	/** What an identifier segment becomes. */
	public static final String ID = "{id}";

	/** Hexadecimal strings at least this long are identifiers; shorter ones may be words ({@code cafe}). */
	private static final int LONG_HEX = 16;

	private static final int UUID_LENGTH = 36;

	private RouteTemplates() {
	}

	/**
	 * The template of a path.
	 * @param path the raw request path
	 * @return its template: the path itself when no segment is an identifier
	 */
	public static String template(String path) {
		int length = path.length();
		StringBuilder template = null;
		int copied = 0;
		int i = 0;
		while (i < length) {
			if (path.charAt(i) == '/') {
				i++;
				continue;
			}
			int end = segmentEnd(path, i);
			if (isId(path, i, end)) {
				if (template == null) {
					template = new StringBuilder(length);
				}
				template.append(path, copied, i).append(ID);
				copied = end;
			}
			i = end;
		}
		if (template == null) {
			return path;
		}
		return template.append(path, copied, length).toString();
	}

	/**
	 * The hash of the template of a path, without building it: equal to {@code template(path).hashCode()}.
	 * @param path the raw request path
	 * @return the hash
	 */
	public static int hash(String path) {
		int length = path.length();
		int hash = 0;
		int i = 0;
		while (i < length) {
			char c = path.charAt(i);
			if (c == '/') {
				hash = 31 * hash + c;
				i++;
				continue;
			}
			int end = segmentEnd(path, i);
			if (isId(path, i, end)) {
				for (int k = 0; k < ID.length(); k++) {
					hash = 31 * hash + ID.charAt(k);
				}
			}
			else {
				for (int k = i; k < end; k++) {
					hash = 31 * hash + path.charAt(k);
				}
			}
			i = end;
		}
		return hash;
	}

	/**
	 * Whether a path has the given template, without building the path's.
	 * @param template a template
	 * @param path the raw request path
	 * @return whether {@code template(path).equals(template)}
	 */
	public static boolean matches(String template, String path) {
		int length = path.length();
		int t = 0;
		int i = 0;
		while (i < length) {
			if (path.charAt(i) == '/') {
				if (t >= template.length() || template.charAt(t) != '/') {
					return false;
				}
				t++;
				i++;
				continue;
			}
			int end = segmentEnd(path, i);
			if (isId(path, i, end)) {
				if (!template.startsWith(ID, t)) {
					return false;
				}
				t += ID.length();
			}
			else {
				int segment = end - i;
				if (!template.regionMatches(t, path, i, segment)) {
					return false;
				}
				t += segment;
			}
			i = end;
		}
		return t == template.length();
	}

	private static int segmentEnd(String path, int start) {
		int slash = path.indexOf('/', start);
		return (slash >= 0) ? slash : path.length();
	}

	/** Whether {@code path[start, end)}, a non-empty segment, is an identifier. */
	private static boolean isId(String path, int start, int end) {
		int length = end - start;
		if (length == UUID_LENGTH && path.charAt(start + 8) == '-' && path.charAt(start + 13) == '-'
				&& path.charAt(start + 18) == '-' && path.charAt(start + 23) == '-') {
			for (int k = start; k < end; k++) {
				int offset = k - start;
				if (offset != 8 && offset != 13 && offset != 18 && offset != 23 && !isHex(path.charAt(k))) {
					return false;
				}
			}
			return true;
		}
		boolean digits = true;
		for (int k = start; k < end; k++) {
			char c = path.charAt(k);
			if (!isHex(c)) {
				return false;
			}
			if (c > '9') {
				digits = false;
			}
		}
		return digits || length >= LONG_HEX;
	}

	private static boolean isHex(char c) {
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
	}

}
