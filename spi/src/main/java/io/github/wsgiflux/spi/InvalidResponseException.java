package io.github.wsgiflux.spi;

/**
 * A response that an application may not send: a status line or header passed to {@code start_response} that HTTP
 * refuses, a body that is not an iterable of bytes, or one that breaks its declared {@code Content-Length}. Servers
 * and bridges (the Java gateway, the Python one) raise it so that the gateway answers {@code 500} if nothing was
 * sent yet, or aborts the connection, and logs the message, which names the offending value, without a stack trace.
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
