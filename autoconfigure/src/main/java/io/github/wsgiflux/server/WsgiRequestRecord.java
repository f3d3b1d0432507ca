package io.github.wsgiflux.server;

import org.jspecify.annotations.Nullable;

/**
 * What happened to one WSGI request.
 * @param mount the name of the mount that served it
 * @param method the HTTP method
 * @param path the raw request path
 * @param status the status sent, or 0 when the connection was aborted before a status was sent
 * @param outcome how the request ended
 * @param bytes the body bytes the application produced
 * @param queueNanos how long the request waited for a worker
 * @param totalNanos how long the request took, from arrival to its end
 * @param route the route template the request was counted in ({@link RouteTable}), or {@code null} when routes are
 * not counted
 */
public record WsgiRequestRecord(String mount, String method, String path, int status, Outcome outcome, long bytes,
		long queueNanos, long totalNanos, @Nullable String route) {

	/**
	 * A record without a route.
	 * @param mount the name of the mount that served it
	 * @param method the HTTP method
	 * @param path the raw request path
	 * @param status the status sent, or 0 when the connection was aborted before a status was sent
	 * @param outcome how the request ended
	 * @param bytes the body bytes the application produced
	 * @param queueNanos how long the request waited for a worker
	 * @param totalNanos how long the request took, from arrival to its end
	 */
	public WsgiRequestRecord(String mount, String method, String path, int status, Outcome outcome, long bytes,
			long queueNanos, long totalNanos) {
		this(mount, method, path, status, outcome, bytes, queueNanos, totalNanos, null);
	}

	/**
	 * How a request ended.
	 */
	public enum Outcome {

		/** The application answered and the whole response was handed to the server. */
		SUCCESS,

		/** The application failed before its response started: 500. */
		APPLICATION_ERROR,

		/** The application failed after its response started: the connection was aborted. */
		ABORTED,

		/** The client went away before the response ended. */
		CLIENT_GONE,

		/** The application ran past {@code wsgi.request.timeout}: 504, or an aborted connection. */
		TIMEOUT,

		/** The scheduler was full: 503. */
		REJECTED,

		/** The request waited past {@code wsgi.scheduler.queue-timeout}: 503. */
		QUEUE_TIMEOUT,

		/** The request was refused before the application ran: 400 or 413. */
		BAD_REQUEST

	}

}
