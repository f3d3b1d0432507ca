package io.github.wsgiflux.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.spi.BodyWriter;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.FileWrapper;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.validate.WsgiViolation.Side;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WsgiApplication} that wraps another and checks both sides of every call against PEP 3333, as Python's
 * {@code wsgiref.validate} does, plus the rules it leaves out. Use it as a lint in tests:
 * <pre class="code">
 * WsgiValidator validator = WsgiValidator.wrap(new MyLegacyApp());
 * // serve validator instead of the app, run requests, then:
 * validator.assertNoViolations();
 * </pre>
 * <p>
 * Checked: the environ (required keys, CGI values as ISO-8859-1 strings, {@code wsgi.version} (1, 0), the URL
 * scheme, {@code SCRIPT_NAME}/{@code PATH_INFO} shape, {@code CONTENT_LENGTH}, no {@code HTTP_CONTENT_*} keys, the
 * {@code wsgi.*} types); {@code start_response} (status line, header tokens and values, no hop-by-hop headers,
 * {@code Content-Type} present except for 1xx/204/304 (absent for them) and a declared {@code Content-Length: 0}
 * (RFC 9110 8.3: a type describes content), a second call only with {@code excInfo});
 * the body (no null chunk, no iteration before {@code start_response}, nothing after {@code close()},
 * {@code close()} exactly once, no more bytes than the declared {@code Content-Length}); the streams (the application
 * never closes {@code wsgi.input} or {@code wsgi.errors}; the server's input honours read sizes and returns whole
 * lines).
 * <p>
 * Every violation is thrown as a {@link WsgiViolation} where it happens and also recorded, so that a test can assert
 * there was none even when an application swallowed the error.
 */
public final class WsgiValidator implements WsgiApplication {

	private static final List<String> REQUIRED_KEYS = List.of(Environ.REQUEST_METHOD, Environ.SCRIPT_NAME,
			Environ.PATH_INFO, Environ.QUERY_STRING, Environ.SERVER_NAME, Environ.SERVER_PORT, Environ.SERVER_PROTOCOL,
			Environ.WSGI_VERSION, Environ.WSGI_URL_SCHEME, Environ.WSGI_INPUT, Environ.WSGI_ERRORS,
			Environ.WSGI_MULTITHREAD, Environ.WSGI_MULTIPROCESS, Environ.WSGI_RUN_ONCE);

	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
			"proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade");

	private final WsgiApplication application;

	private final List<WsgiViolation> violations = new CopyOnWriteArrayList<>();

	private final AtomicInteger opened = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	private WsgiValidator(WsgiApplication application) {
		this.application = application;
	}

	/**
	 * Wrap an application.
	 * @param application the application to check, and its server
	 * @return the validating wrapper
	 */
	public static WsgiValidator wrap(WsgiApplication application) {
		return new WsgiValidator(application);
	}

	/**
	 * The violations seen so far, in order.
	 * @return an unmodifiable view
	 */
	public List<WsgiViolation> violations() {
		return Collections.unmodifiableList(this.violations);
	}

	/**
	 * Fail with the first violation seen, if any.
	 * @throws WsgiViolation the first violation
	 */
	public void assertNoViolations() {
		if (!this.violations.isEmpty()) {
			WsgiViolation first = this.violations.get(0);
			WsgiViolation summary = new WsgiViolation(first.getSide(),
					this.violations.size() + " violation(s), first: " + first.getMessage());
			summary.initCause(first);
			throw summary;
		}
	}

	/**
	 * How many bodies the application returned that the server has not closed yet; zero once every request ended.
	 * @return the count
	 */
	public int unclosedBodies() {
		return this.opened.get() - this.closed.get();
	}

	@Override
	public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
		checkEnviron(environ);
		CheckedStartResponse start = new CheckedStartResponse(startResponse);
		Object input = environ.get(Environ.WSGI_INPUT);
		if (input instanceof WsgiInput wsgiInput) {
			environ.put(Environ.WSGI_INPUT, new CheckedInput(wsgiInput));
		}
		Object errors = environ.get(Environ.WSGI_ERRORS);
		if (errors instanceof Writer writer) {
			environ.put(Environ.WSGI_ERRORS, new CheckedErrors(writer));
		}
		Iterable<byte[]> body = this.application.call(environ, start);
		check(body != null, Side.APPLICATION, "the application must return an iterable, not null");
		this.opened.incrementAndGet();
		CheckedBody checked = new CheckedBody(body, start);
		// Keep a collection a collection: a server may size it without iterating (Content-Length of one chunk).
		return (body instanceof Collection<?> collection) ? new CheckedCollection(checked, collection.size()) : checked;
	}

	private void checkEnviron(Map<String, Object> environ) {
		for (String key : REQUIRED_KEYS) {
			check(environ.containsKey(key), Side.SERVER, "environ lacks the required key " + key);
		}
		for (Map.Entry<String, Object> entry : environ.entrySet()) {
			String key = entry.getKey();
			if (key.indexOf('.') < 0) {
				check(entry.getValue() instanceof String, Side.SERVER,
						"CGI key " + key + " must hold a String, held " + typeOf(entry.getValue()));
				if (entry.getValue() instanceof String value) {
					for (int i = 0; i < value.length(); i++) {
						if (value.charAt(i) > 0xFF) {
							fail(Side.SERVER, "CGI key " + key + " must be a native string (ISO-8859-1 chars only), "
									+ "found U+" + Integer.toHexString(value.charAt(i)).toUpperCase(Locale.ROOT));
							break;
						}
					}
				}
			}
		}
		check(!environ.containsKey("HTTP_CONTENT_TYPE"), Side.SERVER, "HTTP_CONTENT_TYPE must not be set (use "
				+ "CONTENT_TYPE)");
		check(!environ.containsKey("HTTP_CONTENT_LENGTH"), Side.SERVER, "HTTP_CONTENT_LENGTH must not be set (use "
				+ "CONTENT_LENGTH)");
		check(List.of(1, 0).equals(environ.get(Environ.WSGI_VERSION)), Side.SERVER,
				"wsgi.version must be (1, 0), was " + environ.get(Environ.WSGI_VERSION));
		Object scheme = environ.get(Environ.WSGI_URL_SCHEME);
		check("http".equals(scheme) || "https".equals(scheme), Side.SERVER,
				"wsgi.url_scheme must be http or https, was " + scheme);
		Object method = environ.get(Environ.REQUEST_METHOD);
		check(method instanceof String string && !string.isEmpty(), Side.SERVER, "REQUEST_METHOD must not be empty");
		Object scriptName = environ.get(Environ.SCRIPT_NAME);
		if (scriptName instanceof String string) {
			check(string.isEmpty() || string.startsWith("/"), Side.SERVER,
					"SCRIPT_NAME must be empty or start with '/', was '" + string + "'");
			check(!string.equals("/"), Side.SERVER, "SCRIPT_NAME must never be '/' (use '' and PATH_INFO='/')");
		}
		Object pathInfo = environ.get(Environ.PATH_INFO);
		if (pathInfo instanceof String string) {
			check(string.isEmpty() || string.startsWith("/"), Side.SERVER,
					"PATH_INFO must be empty or start with '/', was '" + string + "'");
		}
		Object contentLength = environ.get(Environ.CONTENT_LENGTH);
		if (contentLength != null) {
			boolean valid = contentLength instanceof String string && !string.isEmpty()
					&& string.chars().allMatch(Character::isDigit);
			check(valid, Side.SERVER, "CONTENT_LENGTH must be a non-negative integer, was '" + contentLength + "'");
		}
		Object port = environ.get(Environ.SERVER_PORT);
		check(port instanceof String string && !string.isEmpty() && string.chars().allMatch(Character::isDigit),
				Side.SERVER, "SERVER_PORT must be a decimal string, was " + port);
		check(environ.get(Environ.WSGI_INPUT) instanceof InputStream, Side.SERVER,
				"wsgi.input must be an InputStream with the PEP 3333 methods");
		check(environ.get(Environ.WSGI_ERRORS) instanceof Writer, Side.SERVER, "wsgi.errors must be a Writer");
		for (String key : List.of(Environ.WSGI_MULTITHREAD, Environ.WSGI_MULTIPROCESS, Environ.WSGI_RUN_ONCE)) {
			check(environ.get(key) instanceof Boolean, Side.SERVER, key + " must be a Boolean");
		}
		Object fileWrapper = environ.get(Environ.WSGI_FILE_WRAPPER);
		check(fileWrapper == null || fileWrapper instanceof FileWrapper, Side.SERVER,
				"wsgi.file_wrapper must be a FileWrapper");
		Object terminated = environ.get(Environ.WSGI_INPUT_TERMINATED);
		check(terminated == null || terminated instanceof Boolean, Side.SERVER,
				"wsgi.input_terminated must be a Boolean");
	}

	private void check(boolean condition, Side side, String message) {
		if (!condition) {
			fail(side, message);
		}
	}

	private void fail(Side side, String message) {
		WsgiViolation violation = new WsgiViolation(side, message);
		this.violations.add(violation);
		throw violation;
	}

	private static String typeOf(@Nullable Object value) {
		return (value != null) ? value.getClass().getName() : "null";
	}

	private static boolean isToken(String name) {
		if (name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			boolean token = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
			if (!token) {
				return false;
			}
		}
		return true;
	}

	/**
	 * {@code start_response} as the application sees it: checks what it passes, and that the server's callable
	 * behaves.
	 */
	private final class CheckedStartResponse implements StartResponse {

		private final StartResponse delegate;

		private int calls;

		private int status;

		private long contentLength = -1;

		CheckedStartResponse(StartResponse delegate) {
			this.delegate = delegate;
		}

		@Override
		public BodyWriter start(String status, List<Header> headers, @Nullable Throwable excInfo) throws Exception {
			check(this.calls == 0 || excInfo != null, Side.APPLICATION,
					"start_response called a second time without exc_info");
			checkStatus(status);
			checkHeaders(headers);
			this.calls++;
			BodyWriter write = this.delegate.start(status, headers, excInfo);
			check(write != null, Side.SERVER, "start_response must return the write callable");
			return (data) -> {
				check(data != null, Side.APPLICATION, "write() needs bytes, not null");
				count(data.length);
				write.write(data);
			};
		}

		boolean started() {
			return this.calls > 0;
		}

		void count(long bytes) {
			if (this.contentLength >= 0) {
				this.contentLength -= bytes;
				check(this.contentLength >= 0, Side.APPLICATION,
						"the body is longer than the Content-Length the application declared");
			}
		}

		private void checkStatus(String status) {
			check(status != null, Side.APPLICATION, "status must not be null");
			check(status.length() >= 5 && status.charAt(3) == ' ' && Character.isDigit(status.charAt(0))
					&& Character.isDigit(status.charAt(1)) && Character.isDigit(status.charAt(2)), Side.APPLICATION,
					"status must be three digits, a space and a reason phrase, as '200 OK': was '" + status + "'");
			int code = Integer.parseInt(status.substring(0, 3));
			check(code >= 100, Side.APPLICATION, "status code must be >= 100, was " + code);
			check(status.equals(status.strip()), Side.APPLICATION, "status must have no surrounding whitespace");
			for (int i = 0; i < status.length(); i++) {
				check(status.charAt(i) >= 0x20 && status.charAt(i) != 0x7F, Side.APPLICATION,
						"status must not contain control characters");
			}
			this.status = code;
		}

		private void checkHeaders(List<Header> headers) {
			check(headers != null, Side.APPLICATION, "headers must be a list, not null");
			boolean contentType = false;
			long declared = -1;
			for (Header header : headers) {
				String name = header.name();
				String value = header.value();
				check(isToken(name), Side.APPLICATION, "header name '" + name + "' is not an HTTP token");
				String lower = name.toLowerCase(Locale.ROOT);
				check(!lower.equals("status"), Side.APPLICATION,
						"a 'Status' header is not allowed: pass the status to start_response");
				check(!HOP_BY_HOP.contains(lower), Side.APPLICATION, "hop-by-hop header '" + name + "' is not allowed");
				for (int i = 0; i < value.length(); i++) {
					char c = value.charAt(i);
					check((c >= 0x20 || c == '\t') && c != 0x7F && c <= 0xFF, Side.APPLICATION,
							"header '" + name + "' has a control or non-ISO-8859-1 character at index " + i);
				}
				if (lower.equals("content-type")) {
					contentType = true;
				}
				if (lower.equals("content-length")) {
					try {
						declared = Long.parseLong(value.trim());
					}
					catch (NumberFormatException ex) {
						fail(Side.APPLICATION, "Content-Length must be an integer, was '" + value + "'");
					}
				}
			}
			int code = this.status;
			boolean noBody = code < 200 || code == 204 || code == 304;
			if (noBody) {
				check(!contentType, Side.APPLICATION, "Content-Type must not be sent with status " + code);
			}
			else if (declared != 0) {
				// wsgiref.validate requires it for every other status; RFC 9110 8.3 asks for it only with content,
				// and 9.3.7 has a body-less OPTIONS answer declare Content-Length: 0.
				check(contentType, Side.APPLICATION, "Content-Type is required with status " + code
						+ " unless Content-Length is 0");
			}
			this.contentLength = declared;
		}

	}

	/**
	 * The body as the server sees it.
	 */
	private final class CheckedBody implements Iterable<byte[]>, AutoCloseable {

		private final Iterable<byte[]> body;

		private final CheckedStartResponse start;

		private final AtomicInteger closes = new AtomicInteger();

		private boolean iterated;

		CheckedBody(Iterable<byte[]> body, CheckedStartResponse start) {
			this.body = body;
			this.start = start;
		}

		@Override
		public Iterator<byte[]> iterator() {
			check(this.closes.get() == 0, Side.SERVER, "the body was iterated after close()");
			check(!this.iterated, Side.SERVER, "the body was iterated twice");
			this.iterated = true;
			Iterator<byte[]> iterator = this.body.iterator();
			return new Iterator<>() {

				@Override
				public boolean hasNext() {
					check(CheckedBody.this.closes.get() == 0, Side.SERVER, "the body was iterated after close()");
					return iterator.hasNext();
				}

				@Override
				public byte[] next() {
					check(CheckedBody.this.closes.get() == 0, Side.SERVER, "the body was iterated after close()");
					byte[] chunk = iterator.next();
					check(chunk != null, Side.APPLICATION, "the body yielded null instead of bytes");
					check(CheckedBody.this.start.started(), Side.APPLICATION,
							"the body yielded a chunk before start_response was called");
					CheckedBody.this.start.count(chunk.length);
					return chunk;
				}
			};
		}

		@Override
		public void close() throws Exception {
			check(this.closes.incrementAndGet() == 1, Side.SERVER, "close() was called more than once");
			WsgiValidator.this.closed.incrementAndGet();
			if (this.body instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}

	}

	/**
	 * A checked body that was a collection, still sized.
	 */
	private static final class CheckedCollection extends AbstractCollection<byte[]> implements AutoCloseable {

		private final CheckedBody body;

		private final int size;

		CheckedCollection(CheckedBody body, int size) {
			this.body = body;
			this.size = size;
		}

		@Override
		public Iterator<byte[]> iterator() {
			return this.body.iterator();
		}

		@Override
		public int size() {
			return this.size;
		}

		@Override
		public void close() throws Exception {
			this.body.close();
		}

	}

	/**
	 * {@code wsgi.input} as the application sees it.
	 */
	private final class CheckedInput extends WsgiInput {

		private final WsgiInput delegate;

		CheckedInput(WsgiInput delegate) {
			super(delegate);
			this.delegate = delegate;
		}

		@Override
		public int read() throws IOException {
			int b = this.delegate.read();
			check(b >= -1 && b <= 255, Side.SERVER, "wsgi.input read() returned " + b);
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = this.delegate.read(b, off, len);
			check(n >= -1 && n <= len, Side.SERVER, "wsgi.input read(" + len + ") returned " + n + " bytes");
			return n;
		}

		@Override
		public byte[] readline(int limit) throws IOException {
			byte[] line = this.delegate.readline(limit);
			check(limit < 0 || line.length <= limit, Side.SERVER,
					"wsgi.input readline(" + limit + ") returned " + line.length + " bytes");
			for (int i = 0; i < line.length - 1; i++) {
				check(line[i] != '\n', Side.SERVER, "wsgi.input readline() returned more than one line");
			}
			return line;
		}

		@Override
		public List<byte[]> readlines(int hint) throws IOException {
			return new ArrayList<>(super.readlines(hint));
		}

		@Override
		public void close() {
			fail(Side.APPLICATION, "the application must not close wsgi.input");
		}

	}

	/**
	 * {@code wsgi.errors} as the application sees it.
	 */
	private final class CheckedErrors extends Writer {

		private final Writer delegate;

		CheckedErrors(Writer delegate) {
			this.delegate = delegate;
		}

		@Override
		public void write(char[] cbuf, int off, int len) throws IOException {
			this.delegate.write(cbuf, off, len);
		}

		@Override
		public void flush() throws IOException {
			this.delegate.flush();
		}

		@Override
		public void close() {
			fail(Side.APPLICATION, "the application must not close wsgi.errors");
		}

	}

}
