package io.github.wsgiflux.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The PEP 3333 {@code wsgi.input} stream: the request body, read as it arrives.
 * <p>
 * The Python methods map to Java as follows: {@code read(n)} is {@link #readNBytes(int)}, {@code read()} is
 * {@link #readAllBytes()}, {@code readline()} is {@link #readline()}, {@code readlines(hint)} is
 * {@link #readlines(int)}, and iterating yields lines. Every method returns an empty result at the end of the body
 * (the stream is always terminated, PEP 3333's {@code wsgi.input_terminated}).
 * <p>
 * The server owns the stream: {@link #close()} does nothing, the server releases the body after the request. Like a
 * Python file, an instance is meant for the one thread that runs the application.
 */
public class WsgiInput extends InputStream implements Iterable<byte[]> {

	private static final byte[] EMPTY = new byte[0];

	private static final int BUFFER_SIZE = 8192;

	private final InputStream source;

	private byte @Nullable [] buffer;

	private int position;

	private int limit;

	/**
	 * Wrap the request body.
	 * @param source the body as delivered by the server
	 */
	public WsgiInput(InputStream source) {
		this.source = Objects.requireNonNull(source, "source");
	}

	@Override
	public int read() throws IOException {
		if (this.position < this.limit) {
			return this.buffer[this.position++] & 0xFF;
		}
		return this.source.read();
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		Objects.checkFromIndexSize(off, len, b.length);
		if (len == 0) {
			return 0;
		}
		int buffered = this.limit - this.position;
		if (buffered > 0) {
			int n = Math.min(buffered, len);
			System.arraycopy(this.buffer, this.position, b, off, n);
			this.position += n;
			return n;
		}
		return this.source.read(b, off, len);
	}

	@Override
	public int available() {
		return this.limit - this.position;
	}

	/**
	 * Read one line, up to and including {@code \n}: PEP 3333 {@code readline()}.
	 * @return the line, or an empty array at the end of the body
	 * @throws IOException when the body cannot be read
	 */
	public byte[] readline() throws IOException {
		return readline(-1);
	}

	/**
	 * Read one line of at most {@code limit} bytes: PEP 3333 {@code readline(size)}.
	 * @param limit the most bytes to return; negative for no limit
	 * @return the line, or an empty array at the end of the body
	 * @throws IOException when the body cannot be read
	 */
	public byte[] readline(int limit) throws IOException {
		if (limit == 0) {
			return EMPTY;
		}
		ByteArrayOutputStream line = null;
		int remaining = (limit < 0) ? Integer.MAX_VALUE : limit;
		while (remaining > 0) {
			if (this.position == this.limit && !fill()) {
				break;
			}
			byte[] buf = this.buffer;
			int end = this.position + Math.min(this.limit - this.position, remaining);
			int i = this.position;
			while (i < end && buf[i] != '\n') {
				i++;
			}
			boolean newline = i < end;
			int stop = newline ? i + 1 : end;
			int n = stop - this.position;
			if (line == null && (newline || n == remaining)) {
				byte[] result = Arrays.copyOfRange(buf, this.position, stop);
				this.position = stop;
				return result;
			}
			if (line == null) {
				line = new ByteArrayOutputStream(Math.max(n * 2, 128));
			}
			line.write(buf, this.position, n);
			this.position = stop;
			remaining -= n;
			if (newline) {
				break;
			}
		}
		return (line != null) ? line.toByteArray() : EMPTY;
	}

	/**
	 * Read all remaining lines: PEP 3333 {@code readlines()}.
	 * @return the lines
	 * @throws IOException when the body cannot be read
	 */
	public List<byte[]> readlines() throws IOException {
		return readlines(-1);
	}

	/**
	 * Read lines until their total size reaches {@code hint}: PEP 3333 {@code readlines(hint)}; as PEP 3333
	 * allows, the hint may be ignored by callers, and lines are never split by it.
	 * @param hint stop once this many bytes were read; zero or negative for all
	 * @return the lines
	 * @throws IOException when the body cannot be read
	 */
	public List<byte[]> readlines(int hint) throws IOException {
		List<byte[]> lines = new ArrayList<>();
		long total = 0;
		byte[] line;
		while ((line = readline()).length > 0) {
			lines.add(line);
			total += line.length;
			if (hint > 0 && total >= hint) {
				break;
			}
		}
		return lines;
	}

	/**
	 * Iterate the remaining lines, PEP 3333 {@code __iter__}.
	 * @return an iterator over the lines; an {@link IOException} surfaces as {@link UncheckedIOException}
	 */
	@Override
	public Iterator<byte[]> iterator() {
		return new Iterator<>() {

			private byte @Nullable [] next;

			@Override
			public boolean hasNext() {
				if (this.next == null) {
					try {
						this.next = readline();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				}
				return this.next.length > 0;
			}

			@Override
			public byte[] next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				byte[] line = this.next;
				this.next = null;
				return line;
			}
		};
	}

	/**
	 * Does nothing: the server owns the request body and releases it after the request.
	 */
	@Override
	public void close() {
	}

	private boolean fill() throws IOException {
		if (this.buffer == null) {
			this.buffer = new byte[BUFFER_SIZE];
		}
		int n = this.source.read(this.buffer, 0, this.buffer.length);
		this.position = 0;
		this.limit = Math.max(n, 0);
		return n > 0;
	}

}
