package io.github.wsgiflux.server;

/**
 * A request that cannot be turned into a PEP 3333 environ; answered with {@code 400 Bad Request}.
 */
public class InvalidRequestException extends Exception {

	/**
	 * Create an instance.
	 * @param message what is wrong with the request, for the log
	 */
	public InvalidRequestException(String message) {
		super(message, null, false, false);
	}

}
