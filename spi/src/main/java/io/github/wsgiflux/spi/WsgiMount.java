package io.github.wsgiflux.spi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A {@link WsgiApplication} mounted at a path: requests to the path and below go to the application, with the path
 * as {@code SCRIPT_NAME}. A plain value (path, name, application) that needs nothing but this package, so the code
 * declaring it needs no server either. With wsgiflux's Spring Boot auto-configuration, declare one bean per
 * application to host several; the longest matching path wins, as with Tornado's {@code RuleRouter}.
 *
 * <pre class="code">
 * &#64;Bean
 * WsgiMount admin(AdminApp app) {
 *     return new WsgiMount("/admin", "admin", app);
 * }
 * </pre>
 */
public final class WsgiMount {

	private final String path;

	private final String decodedPath;

	private final String name;

	private final WsgiApplication application;

	/**
	 * Mount an application.
	 * @param path the mount path: {@code "/"} for everything, else {@code "/legacy"} (a trailing slash is ignored)
	 * @param name a name for logs, metrics and the actuator
	 * @param application the application
	 */
	public WsgiMount(String path, String name, WsgiApplication application) {
		this.path = normalize(path);
		this.decodedPath = new String(this.path.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
		this.name = Objects.requireNonNull(name, "name");
		this.application = Objects.requireNonNull(application, "application");
	}

	/**
	 * The mount path as configured and normalized: empty for the root, else {@code "/legacy"}.
	 * @return the path, never ending with {@code /}
	 */
	public String getPath() {
		return this.path;
	}

	/**
	 * The mount path as PEP 3333 shows it in {@code SCRIPT_NAME}: its UTF-8 bytes as ISO-8859-1 chars (a "native
	 * string").
	 * @return the decoded path, empty for the root
	 */
	public String getDecodedPath() {
		return this.decodedPath;
	}

	/**
	 * The name of the mount.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The mounted application.
	 * @return the application
	 */
	public WsgiApplication getApplication() {
		return this.application;
	}

	/**
	 * Whether a path within the web application lies at or below this mount, compared on the percent-decoded bytes
	 * (as {@code SCRIPT_NAME} and {@code PATH_INFO} show them), so that {@code /%6Cegacy/x} is under {@code /legacy}
	 * and an access rule written for a mount cannot be side-stepped by encoding. An encoded slash ({@code %2F}) is a
	 * slash here as in {@code PATH_INFO}: {@code /legacy%2Fx} is {@code /x} under {@code /legacy}.
	 * @param decodedPathWithinApplication the request path, decoded into ISO-8859-1 chars
	 * @return whether it matches at a segment boundary
	 */
	public boolean matches(String decodedPathWithinApplication) {
		String mount = this.decodedPath;
		return decodedPathWithinApplication.startsWith(mount)
				&& (decodedPathWithinApplication.length() == mount.length()
						|| decodedPathWithinApplication.charAt(mount.length()) == '/');
	}

	@Override
	public String toString() {
		return (this.path.isEmpty() ? "/" : this.path) + " -> " + this.name;
	}

	private static String normalize(String path) {
		Objects.requireNonNull(path, "path");
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("A WSGI mount path must start with '/': '" + path + "'");
		}
		if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0 || path.contains("//")) {
			throw new IllegalArgumentException("Invalid WSGI mount path '" + path + "'");
		}
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

}
