package io.github.wsgiflux.server;

/**
 * A status line or header that an application passed to {@code start_response} and that may not be sent; the
 * request is answered with {@code 500} and the message names the offending value.
 */
public class InvalidResponseException extends IllegalArgumentException {

	/**
	 * Create an instance.
	 * @param message what is wrong, naming the status or header
	 */
	public InvalidResponseException(String message) {
		super(message);
	}

}
