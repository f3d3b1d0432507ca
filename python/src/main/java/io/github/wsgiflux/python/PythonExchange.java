package io.github.wsgiflux.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiInput;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * One request as it crosses into Python, made and used on its worker thread: the environ, packed as the bridge's
 * {@code call} takes it (the string entries in one string, keys and values separated by U+FFFF: one crossing instead
 * of one per entry; the others in a flat array), and what the Python side calls back into: the request body for
 * {@code wsgi.input}, the error stream for {@code wsgi.errors}, {@code start_response} and {@code write}. Bytes cross
 * as ISO-8859-1 strings into Python ({@code str.encode('latin-1')} there, a plain copy) and as Python buffers out of
 * it ({@link Value#readBuffer}), never element by element.
 */
public final class PythonExchange {

	/** Entries the bridge builds as Python objects itself. */
	private static final Set<String> PYTHON_SIDE = Set.of(Environ.WSGI_VERSION, Environ.WSGI_INPUT,
			Environ.WSGI_ERRORS, Environ.WSGI_MULTITHREAD, Environ.WSGI_MULTIPROCESS, Environ.WSGI_RUN_ONCE,
			Environ.WSGI_INPUT_TERMINATED, Environ.WSGI_FILE_WRAPPER);

	/** Thrown into {@link StartResponse#start} to learn that the headers were already sent. */
	private static final Throwable HEADERS_SENT = new Throwable("headers already sent", null, false, false) {
	};

	private static final String EMPTY = "";

	private final String environ;

	private final Object @Nullable [] extras;

	private final WsgiInput input;

	private final Writer errors;

	private final StartResponse startResponse;

	private @Nullable BodyWriter writer;

	PythonExchange(Map<String, Object> environ, StartResponse startResponse) {
		this.input = input(environ);
		this.errors = (Writer) environ.get(Environ.WSGI_ERRORS);
		this.startResponse = startResponse;
		StringBuilder strings = new StringBuilder(1024);
		List<Object> extras = null;
		for (Map.Entry<String, Object> entry : environ.entrySet()) {
			String key = entry.getKey();
			Object value = entry.getValue();
			if (value instanceof String text && key.indexOf(PythonContextFactory.SEPARATOR) < 0
					&& text.indexOf(PythonContextFactory.SEPARATOR) < 0) {
				if (!strings.isEmpty()) {
					strings.append(PythonContextFactory.SEPARATOR);
				}
				strings.append(key).append(PythonContextFactory.SEPARATOR).append(text);
			}
			else if (!PYTHON_SIDE.contains(key)) {
				if (extras == null) {
					extras = new ArrayList<>();
				}
				extras.add(key);
				extras.add(value);
			}
		}
		this.environ = strings.toString();
		this.extras = (extras != null) ? extras.toArray() : null;
	}

	/**
	 * The environ's string entries for the bridge's {@code call}.
	 * @return key, value, key, ... separated by {@link PythonContextFactory#SEPARATOR}
	 */
	String environ() {
		return this.environ;
	}

	/**
	 * The environ's other entries for the bridge's {@code call}, except those the bridge makes itself.
	 * @return key, value, key, ..., or {@code null} when there are none
	 */
	Object @Nullable [] extras() {
		return this.extras;
	}

	/**
	 * {@code wsgi.input.read(size)}.
	 * @param size the most bytes to read, negative for all
	 * @return the bytes as an ISO-8859-1 string, empty at the end of the body
	 * @throws IOException when the body cannot be read
	 */
	@HostAccess.Export
	public String read(int size) throws IOException {
		if (size < 0) {
			return latin1(this.input.readAllBytes());
		}
		// Grows with what arrives: read(2**31 - 1) on a short body must not allocate 2 GiB up front.
		return latin1(this.input.readNBytes(size));
	}

	/**
	 * {@code wsgi.input.readline(size)}.
	 * @param size the most bytes to return, negative for no limit
	 * @return the line as an ISO-8859-1 string, empty at the end of the body
	 * @throws IOException when the body cannot be read
	 */
	@HostAccess.Export
	public String readline(int size) throws IOException {
		return latin1(this.input.readline(size));
	}

	/**
	 * {@code wsgi.errors.write(s)}.
	 * @param text the text
	 * @throws IOException never in practice: the stream is a logger
	 */
	@HostAccess.Export
	public void error(String text) throws IOException {
		this.errors.write(text);
	}

	/**
	 * {@code wsgi.errors.flush()}.
	 * @throws IOException never in practice: the stream is a logger
	 */
	@HostAccess.Export
	public void flushErrors() throws IOException {
		this.errors.flush();
	}

	/**
	 * {@code start_response(status, headers, exc_info)}, its arguments checked for type on the Python side.
	 * @param status the status line
	 * @param headers the header names and values, alternating
	 * @param replace whether {@code exc_info} was given
	 * @return {@code false} when {@code exc_info} was given and the headers were already sent (Python re-raises it)
	 * @throws Exception an invalid status or header, or a second call without {@code exc_info}
	 */
	@HostAccess.Export
	public boolean start(String status, Value headers, boolean replace) throws Exception {
		int size = (int) headers.getArraySize();
		List<Header> list = new ArrayList<>(size / 2);
		for (int i = 0; i + 1 < size; i += 2) {
			list.add(new Header(headers.getArrayElement(i).asString(), headers.getArrayElement(i + 1).asString()));
		}
		try {
			this.writer = this.startResponse.start(status, list, replace ? HEADERS_SENT : null);
			return true;
		}
		catch (Throwable ex) {
			if (ex == HEADERS_SENT) {
				return false;
			}
			throw ex;
		}
	}

	/**
	 * The {@code write} callable returned by {@code start_response}.
	 * @param data a bytes-like object
	 * @throws IOException when the client went away
	 */
	@HostAccess.Export
	public void write(Value data) throws IOException {
		BodyWriter writer = this.writer;
		if (writer == null) {
			throw new IllegalStateException("write() called before start_response()");
		}
		writer.write(PythonResponse.bytes(data));
	}

	private static WsgiInput input(Map<String, Object> environ) {
		Object input = environ.get(Environ.WSGI_INPUT);
		return (input instanceof WsgiInput wsgiInput) ? wsgiInput : new WsgiInput((InputStream) input);
	}

	private static String latin1(byte[] bytes) {
		return (bytes.length > 0) ? new String(bytes, StandardCharsets.ISO_8859_1) : EMPTY;
	}

}
