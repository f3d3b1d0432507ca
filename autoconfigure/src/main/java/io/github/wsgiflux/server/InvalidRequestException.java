package io.github.wsgiflux.server;

/**
 * A request that cannot be turned into a PEP 3333 environ; refused before the application is scheduled, with
 * {@code 400 Bad Request} unless a more precise status applies ({@code 431} for too many header fields).
 */
public class InvalidRequestException extends Exception {

	private final int status;

	private final RefusalLog.Cause cause;

	/**
	 * Create an instance answered with {@code 400 Bad Request}.
	 * @param message what is wrong with the request, for the log
	 */
	public InvalidRequestException(String message) {
		this(400, message);
	}

	/**
	 * Create an instance answered with the given status.
	 * @param status the status of the answer
	 * @param message what is wrong with the request, for the log
	 */
	public InvalidRequestException(int status, String message) {
		this(RefusalLog.Cause.PATH, status, message);
	}

	InvalidRequestException(RefusalLog.Cause cause, int status, String message) {
		super(message, null, false, false);
		this.cause = cause;
		this.status = status;
	}

	InvalidRequestException(RefusalLog.Cause cause, String message) {
		this(cause, 400, message);
	}

	/**
	 * The status the request is answered with.
	 * @return the status code
	 */
	public int getStatus() {
		return this.status;
	}

	RefusalLog.Cause refusalCause() {
		return this.cause;
	}

}
