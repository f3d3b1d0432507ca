package io.github.wsgiflux.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.github.wsgiflux.spi.FileWrapper;

/**
 * The server's {@code wsgi.file_wrapper}: reads the stream block by block on the worker thread as the body is
 * iterated, and closes it when the server closes the body.
 */
final class InputStreamFileWrapper implements FileWrapper {

	static final InputStreamFileWrapper INSTANCE = new InputStreamFileWrapper();

	private static final int DEFAULT_BLOCK_SIZE = 8192;

	@Override
	public Iterable<byte[]> wrap(InputStream in, int blockSize) {
		return new Body(in, (blockSize > 0) ? blockSize : DEFAULT_BLOCK_SIZE);
	}

	private static final class Body implements Iterable<byte[]>, AutoCloseable {

		private final InputStream in;

		private final int blockSize;

		Body(InputStream in, int blockSize) {
			this.in = in;
			this.blockSize = blockSize;
		}

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private byte[] next;

				@Override
				public boolean hasNext() {
					if (this.next == null) {
						this.next = readBlock();
					}
					return this.next.length > 0;
				}

				@Override
				public byte[] next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					byte[] block = this.next;
					this.next = null;
					return block;
				}
			};
		}

		private byte[] readBlock() {
			try {
				byte[] block = this.in.readNBytes(this.blockSize);
				return (block.length == this.blockSize) ? block : Arrays.copyOf(block, block.length);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.in.close();
		}

	}

}
