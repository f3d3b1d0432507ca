package io.github.wsgiflux.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs refused requests at INFO, at most one line per cause per second, each line saying how many refusals of that
 * cause it stands for: bad input is the client's doing and must not flood the log.
 */
final class RefusalLog {

	private static final Log logger = LogFactory.getLog(WsgiHandlerFunction.class);

	private static final long INTERVAL = Duration.ofSeconds(1).toNanos();

	/** Why a request was refused before the application ran. */
	enum Cause {

		/** The request-target is not one of the forms of RFC 9112 3.2 for its method. */
		REQUEST_TARGET,

		/** The {@code Host} field is missing, repeated or invalid (RFC 9112 3.2). */
		HOST,

		/** A singleton field ({@code Host}, {@code Content-Type}, {@code Content-Length}) came more than once. */
		DUPLICATE_FIELD,

		/** More header lines than {@code wsgi.request.max-header-count}. */
		HEADER_COUNT,

		/**
		 * A field value with a character RFC 9110 5.5 does not allow (a control character, or one that is not a
		 * byte), or, over HTTP/2, with leading or trailing whitespace (RFC 9113 8.2.1).
		 */
		FIELD_VALUE,

		/** The path cannot be percent-decoded, or decodes NUL. */
		PATH,

		/** A method the gateway does not implement ({@code CONNECT}). */
		METHOD,

		/** An HTTP version other than 1.0, 1.1 and 2. */
		VERSION,

		/** A declared body over {@code wsgi.request.max-body-size}. */
		BODY_TOO_LARGE,

		/** A {@code Transfer-Encoding} that does not end with one {@code chunked}, or has another coding. */
		TRANSFER_ENCODING

	}

	private static final Cause[] CAUSES = Cause.values();

	private final AtomicLongArray lastLogged = new AtomicLongArray(CAUSES.length);

	private final AtomicLongArray suppressed = new AtomicLongArray(CAUSES.length);

	RefusalLog() {
		long start = System.nanoTime() - INTERVAL;
		for (int i = 0; i < CAUSES.length; i++) {
			this.lastLogged.set(i, start);
		}
	}

	/**
	 * Log a refusal, unless a line of the same cause was logged less than a second ago.
	 * @param cause the cause
	 * @param status the status answered
	 * @param method the request method
	 * @param path the request path, as received
	 * @param message what was wrong
	 */
	void refused(Cause cause, int status, String method, String path, String message) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		int index = cause.ordinal();
		long now = System.nanoTime();
		long last = this.lastLogged.get(index);
		if (now - last < INTERVAL || !this.lastLogged.compareAndSet(index, last, now)) {
			this.suppressed.incrementAndGet(index);
			return;
		}
		long others = this.suppressed.getAndSet(index, 0);
		logger.info("Refused " + method + " " + path + " with " + status + ": " + message
				+ ((others > 0) ? " (and " + others + " more refusals of this cause since the last line)" : ""));
	}

}
