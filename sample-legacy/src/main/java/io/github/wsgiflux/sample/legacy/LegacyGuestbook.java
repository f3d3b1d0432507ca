package io.github.wsgiflux.sample.legacy;

import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.StartResponse;
import io.github.wsgiflux.spi.WsgiApplication;

/**
 * The "legacy" application: a guestbook written against the synchronous WSGI contract, with plain blocking JDBC.
 * It knows nothing of Spring or Reactor: its module compiles against {@code wsgiflux-spi} and the JDK alone (JDBC
 * included), so it could run on any WSGI-style server.
 * <ul>
 * <li>{@code GET /entries}: HTML list; {@code GET /entries/{id}}: one entry, or 404</li>
 * <li>{@code POST /entries}: a form post, answered with a redirect to the new entry, or 400 with a message when
 * {@code author} or {@code message} is missing</li>
 * <li>{@code GET /api/entries}, {@code POST /api/entries}: the same as JSON</li>
 * <li>{@code GET /export.csv}: every entry, streamed row by row from an open JDBC cursor</li>
 * <li>{@code GET /stats}: how many entries there are, as JSON; migrated to a native handler, which it is compared
 * with</li>
 * <li>{@code GET /about}: a page that has since been migrated to a native handler</li>
 * <li>{@code HEAD} of each {@code GET}: the same status and headers</li>
 * </ul>
 */
public class LegacyGuestbook implements WsgiApplication {

	private static final List<Header> HTML = List.of(Header.of("Content-Type", "text/html; charset=utf-8"));

	private static final List<Header> JSON = List.of(Header.of("Content-Type", "application/json"));

	private static final List<Header> TEXT = List.of(Header.of("Content-Type", "text/plain; charset=utf-8"));

	private final DataSource dataSource;

	private final AtomicInteger exportsClosed = new AtomicInteger();

	/**
	 * Create the guestbook over a database, creating its table if needed.
	 * @param dataSource the legacy database
	 */
	public LegacyGuestbook(DataSource dataSource) {
		this.dataSource = dataSource;
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS entry (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
					+ "author VARCHAR(100) NOT NULL, message VARCHAR(1000) NOT NULL)");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create the guestbook schema", ex);
		}
	}

	/**
	 * How many CSV exports were closed (their JDBC cursor released); for tests and curious readers.
	 * @return the number of closed exports
	 */
	public int exportsClosed() {
		return this.exportsClosed.get();
	}

	@Override
	public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws Exception {
		Environ env = Environ.of(environ);
		String method = env.method();
		String path = env.pathInfo();
		String base = env.scriptName();
		// HEAD answers as GET does, as WSGI frameworks do (the gateway sends no body for it): RFC 9110 9.3.2.
		boolean read = method.equals("GET") || method.equals("HEAD");
		if (path.equals("/entries") && read) {
			return html(start, "Guestbook", list(base));
		}
		if (path.equals("/entries") && method.equals("POST")) {
			Map<String, String> form = parseForm(env.input().readAllBytes());
			String invalid = invalid(form);
			if (invalid != null) {
				return badRequest(start, invalid);
			}
			long id = insert(form.get("author"), form.get("message"));
			start.start("303 See Other", List.of(Header.of("Location", base + "/entries/" + id),
					Header.of("Content-Type", "text/plain")));
			return List.of();
		}
		if (path.startsWith("/entries/") && read) {
			Map<String, String> entry = find(path.substring("/entries/".length()));
			if (entry == null) {
				return notFound(start);
			}
			return html(start, "Entry " + entry.get("id"), "<p><b>" + escape(entry.get("author")) + "</b>: "
					+ escape(entry.get("message")) + "</p><a href=\"" + base + "/entries\">all entries</a>");
		}
		if (path.equals("/api/entries") && read) {
			start.start("200 OK", JSON);
			return List.of(GuestbookJson.entries(all()).getBytes(StandardCharsets.UTF_8));
		}
		if (path.equals("/api/entries") && method.equals("POST")) {
			Map<String, String> body;
			try {
				body = GuestbookJson.parseObject(new String(env.input().readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IllegalArgumentException ex) {
				// The client's mistake, not the application's: RFC 9110 15.5.1.
				return badRequest(start, ex.getMessage());
			}
			String invalid = invalid(body);
			if (invalid != null) {
				return badRequest(start, invalid);
			}
			long id = insert(body.get("author"), body.get("message"));
			start.start("201 Created", List.of(Header.of("Content-Type", "application/json"),
					Header.of("Location", base + "/api/entries/" + id)));
			return List.of(GuestbookJson.entry(find(Long.toString(id))).getBytes(StandardCharsets.UTF_8));
		}
		if (path.equals("/export.csv") && read) {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/csv; charset=utf-8")));
			return new CsvExport();
		}
		if (path.equals("/stats") && read) {
			start.start("200 OK", JSON);
			return List.of(("{\"entries\":" + all().size() + ",\"generatedAt\":\"" + Instant.now() + "\"}")
				.getBytes(StandardCharsets.UTF_8));
		}
		if (path.equals("/about")) {
			start.start("200 OK", TEXT);
			return List.of(("legacy " + path).getBytes(StandardCharsets.UTF_8));
		}
		return notFound(start);
	}

	private String list(String base) throws SQLException {
		StringBuilder html = new StringBuilder("<ul>");
		for (Map<String, String> entry : all()) {
			html.append("<li><a href=\"").append(base).append("/entries/").append(entry.get("id")).append("\">")
				.append(escape(entry.get("author"))).append("</a></li>");
		}
		html.append("</ul><form method=\"post\" action=\"").append(base).append("/entries\">")
			.append("<input name=\"author\"><input name=\"message\"><button>Sign</button></form>");
		return html.toString();
	}

	/** What is wrong with a new entry's fields, or null when nothing is: bad input is the client's error, a 400. */
	private static String invalid(Map<String, String> fields) {
		String author = fields.get("author");
		if (author == null || author.isBlank()) {
			return "author is required";
		}
		if (fields.get("message") == null) {
			return "message is required";
		}
		return null;
	}

	private long insert(String author, String message) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO entry (author, message) VALUES (?, ?)",
						Statement.RETURN_GENERATED_KEYS)) {
			insert.setString(1, author);
			insert.setString(2, message);
			insert.executeUpdate();
			try (ResultSet keys = insert.getGeneratedKeys()) {
				keys.next();
				return keys.getLong(1);
			}
		}
	}

	private Map<String, String> find(String id) throws SQLException {
		long key;
		try {
			key = Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			return null;
		}
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement query = connection.prepareStatement("SELECT id, author, message FROM entry WHERE id = ?")) {
			query.setLong(1, key);
			try (ResultSet rows = query.executeQuery()) {
				return rows.next() ? row(rows) : null;
			}
		}
	}

	private List<Map<String, String>> all() throws SQLException {
		List<Map<String, String>> entries = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, author, message FROM entry ORDER BY id")) {
			while (rows.next()) {
				entries.add(row(rows));
			}
		}
		return entries;
	}

	private static Map<String, String> row(ResultSet rows) throws SQLException {
		Map<String, String> entry = new HashMap<>();
		entry.put("id", Long.toString(rows.getLong(1)));
		entry.put("author", rows.getString(2));
		entry.put("message", rows.getString(3));
		return entry;
	}

	private static Iterable<byte[]> html(StartResponse start, String title, String body) throws Exception {
		start.start("200 OK", HTML);
		String page = "<!DOCTYPE html><html><head><title>" + escape(title) + "</title></head><body><h1>" + escape(title)
				+ "</h1>" + body + "<p><small>served by the legacy WSGI application</small></p></body></html>";
		return List.of(page.getBytes(StandardCharsets.UTF_8));
	}

	private static Iterable<byte[]> badRequest(StartResponse start, String message) throws Exception {
		start.start("400 Bad Request", TEXT);
		return List.of((message + "\n").getBytes(StandardCharsets.UTF_8));
	}

	private static Iterable<byte[]> notFound(StartResponse start) throws Exception {
		start.start("404 Not Found", TEXT);
		return List.of("no such page in the legacy guestbook".getBytes(StandardCharsets.UTF_8));
	}

	private static Map<String, String> parseForm(byte[] body) {
		Map<String, String> form = new HashMap<>();
		for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return form;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	/**
	 * The CSV export: one row per chunk, read from a JDBC cursor that stays open while the client downloads, and is
	 * closed by {@link #close()}, which the server calls exactly once on the same worker thread.
	 */
	private final class CsvExport implements Iterable<byte[]>, AutoCloseable {

		private final Connection connection;

		private final Statement statement;

		private final ResultSet rows;

		private boolean header = true;

		CsvExport() throws SQLException {
			this.connection = LegacyGuestbook.this.dataSource.getConnection();
			this.statement = this.connection.createStatement();
			this.rows = this.statement.executeQuery("SELECT id, author, message FROM entry ORDER BY id");
		}

		@Override
		public Iterator<byte[]> iterator() {
			return new Iterator<>() {

				private Boolean hasRow;

				@Override
				public boolean hasNext() {
					if (CsvExport.this.header) {
						return true;
					}
					if (this.hasRow == null) {
						try {
							this.hasRow = CsvExport.this.rows.next();
						}
						catch (SQLException ex) {
							throw new UncheckedIOException(new java.io.IOException(ex));
						}
					}
					return this.hasRow;
				}

				@Override
				public byte[] next() {
					if (!hasNext()) {
						throw new NoSuchElementException();
					}
					if (CsvExport.this.header) {
						CsvExport.this.header = false;
						return "id,author,message\n".getBytes(StandardCharsets.UTF_8);
					}
					this.hasRow = null;
					try {
						ResultSet rows = CsvExport.this.rows;
						return (rows.getLong(1) + "," + csv(rows.getString(2)) + "," + csv(rows.getString(3)) + "\n")
							.getBytes(StandardCharsets.UTF_8);
					}
					catch (SQLException ex) {
						throw new UncheckedIOException(new java.io.IOException(ex));
					}
				}
			};
		}

		@Override
		public void close() throws SQLException {
			try (this.connection; this.statement; this.rows) {
				LegacyGuestbook.this.exportsClosed.incrementAndGet();
			}
		}

		private static String csv(String value) {
			return "\"" + value.replace("\"", "\"\"") + "\"";
		}

	}

}
