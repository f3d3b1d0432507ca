package io.github.wsgiflux.python;

import java.util.Iterator;
import java.util.NoSuchElementException;

import io.github.wsgiflux.spi.InvalidResponseException;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;

/**
 * The body a Python application returned, iterated and closed on the worker thread that called it; the interpreter
 * goes back to its pool when the body is closed.
 */
final class PythonResponse implements Iterable<byte[]>, Iterator<byte[]>, AutoCloseable {

	private final PythonInterpreter interpreter;

	private final Value body;

	private final Value iterator;

	private boolean closed;

	PythonResponse(PythonInterpreter interpreter, Value body) {
		this.interpreter = interpreter;
		this.body = body;
		if (!body.hasIterator()) {
			throw new InvalidResponseException(
					"A WSGI application must return an iterable of bytes, not " + PythonErrors.typeName(body));
		}
		this.iterator = body.getIterator();
	}

	@Override
	public Iterator<byte[]> iterator() {
		return this;
	}

	@Override
	public boolean hasNext() {
		try {
			return this.iterator.hasIteratorNextElement();
		}
		catch (PolyglotException ex) {
			throw PythonErrors.unchecked(ex);
		}
	}

	@Override
	public byte[] next() {
		try {
			if (!this.iterator.hasIteratorNextElement()) {
				throw new NoSuchElementException();
			}
			return bytes(this.iterator.getIteratorNextElement());
		}
		catch (PolyglotException ex) {
			throw PythonErrors.unchecked(ex);
		}
	}

	@Override
	public void close() throws Exception {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			if (this.body.hasMember("close")) {
				this.body.invokeMember("close");
			}
		}
		catch (PolyglotException ex) {
			throw PythonErrors.translate(ex);
		}
		finally {
			this.interpreter.release();
		}
	}

	/**
	 * A Python bytes-like object ({@code bytes}, {@code bytearray}, {@code memoryview}) as a new array, read in one
	 * bulk copy.
	 * @param chunk the object
	 * @return its bytes
	 * @throws InvalidResponseException when it is not bytes-like (a {@code str}, {@code None}, ...)
	 */
	static byte[] bytes(Value chunk) {
		if (!chunk.hasBufferElements()) {
			throw new InvalidResponseException("A WSGI body chunk must be bytes, not " + PythonErrors.typeName(chunk));
		}
		int size = (int) chunk.getBufferSize();
		byte[] bytes = new byte[size];
		if (size > 0) {
			chunk.readBuffer(0, bytes, 0, size);
		}
		return bytes;
	}

}
