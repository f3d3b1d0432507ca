package io.github.wsgiflux.server;

/**
 * What {@code wsgi.input} throws when a request body grows past {@code wsgi.request.max-body-size}: the application
 * sees a clear error instead of a silently truncated body, and the request gets 413 if its response has not
 * started.
 */
public class RequestBodyTooLargeException extends IllegalStateException {

	/**
	 * Create an instance.
	 * @param maxBodySize the limit that was passed
	 */
	public RequestBodyTooLargeException(long maxBodySize) {
		super("The request body is larger than the limit of " + maxBodySize + " bytes (wsgi.request.max-body-size)");
	}

}
