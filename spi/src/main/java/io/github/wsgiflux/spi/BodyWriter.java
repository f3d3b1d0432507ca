package io.github.wsgiflux.spi;

import java.io.IOException;

/**
 * The {@code write(data)} callable that {@link StartResponse#start} returns: the legacy imperative way to send body
 * bytes. As PEP 3333 requires, a call returns once the bytes were handed to the network or buffered within the
 * server's bounded response buffer; when the client reads slowly, it blocks.
 */
@FunctionalInterface
public interface BodyWriter {

	/**
	 * Send body bytes; the array belongs to the server from now on.
	 * @param data the bytes to send
	 * @throws IOException when the client went away or the response was aborted
	 */
	void write(byte[] data) throws IOException;

}
