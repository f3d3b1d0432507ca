package io.github.wsgiflux.spi;

import java.io.InputStream;

/**
 * The PEP 3333 {@code wsgi.file_wrapper}: turns a stream into a response body that reads it block by block and
 * closes it when the server closes the body.
 */
@FunctionalInterface
public interface FileWrapper {

	/**
	 * Wrap a stream as a response body.
	 * @param in the stream to send; closed with the body
	 * @param blockSize the size of each chunk read
	 * @return an {@link AutoCloseable} body
	 */
	Iterable<byte[]> wrap(InputStream in, int blockSize);

}
