package io.github.wsgiflux.server;

import java.util.Objects;

/**
 * How the environ is built from a request: the limit on header lines and where the forwarded view of the request
 * comes from.
 * @param maxHeaderCount the most header lines a request may have (431 past it); -1 for no limit
 * @param forwardedHeaders which forwarded-headers handling is on, as Spring Boot's
 * {@code server.forward-headers-strategy} sets it
 */
public record WsgiEnvironSettings(int maxHeaderCount, ForwardedHeaders forwardedHeaders) {

	/**
	 * The default limit on header lines: 100, as Tomcat's {@code maxHeaderCount} and gunicorn's
	 * {@code limit_request_fields}.
	 */
	public static final int DEFAULT_MAX_HEADER_COUNT = 100;

	/**
	 * Validate the settings.
	 */
	public WsgiEnvironSettings {
		Objects.requireNonNull(forwardedHeaders, "forwardedHeaders");
	}

	/**
	 * At most 100 header lines, no forwarded headers.
	 * @return the settings
	 */
	public static WsgiEnvironSettings defaults() {
		return new WsgiEnvironSettings(DEFAULT_MAX_HEADER_COUNT, ForwardedHeaders.NONE);
	}

	/**
	 * Where {@code HTTP_HOST}, {@code SERVER_NAME}, {@code SERVER_PORT}, {@code wsgi.url_scheme} and
	 * {@code REMOTE_ADDR} come from when a proxy sent {@code Forwarded} or {@code X-Forwarded-*} headers.
	 */
	public enum ForwardedHeaders {

		/** Ignored: the values come from the connection, the request-target and {@code Host}. */
		NONE,

		/** Spring's {@code ForwardedHeaderTransformer} (strategy {@code framework}) rewrote the request. */
		FRAMEWORK,

		/** Reactor Netty applied them (strategy {@code native}). */
		NATIVE

	}

}
