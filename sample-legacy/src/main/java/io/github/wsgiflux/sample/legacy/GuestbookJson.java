package io.github.wsgiflux.sample.legacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON the guestbook speaks, written by hand as legacy code often is: entries out, a flat object of
 * strings in. It keeps the legacy module free of any library but the WSGI contract.
 */
final class GuestbookJson {

	private GuestbookJson() {
	}

	/**
	 * An entry as {@code {"id":1,"author":"...","message":"..."}}.
	 */
	static String entry(Map<String, String> entry) {
		return "{\"id\":" + Long.parseLong(entry.get("id")) + ",\"author\":" + string(entry.get("author"))
				+ ",\"message\":" + string(entry.get("message")) + "}";
	}

	/**
	 * Entries as a JSON array.
	 */
	static String entries(List<Map<String, String>> entries) {
		StringBuilder json = new StringBuilder("[");
		for (Map<String, String> entry : entries) {
			json.append((json.length() > 1) ? "," : "").append(entry(entry));
		}
		return json.append(']').toString();
	}

	/**
	 * The members of a JSON object whose values are strings; any other value is refused.
	 * @throws IllegalArgumentException when the text is not such an object
	 */
	static Map<String, String> parseObject(String text) {
		Parser parser = new Parser(text);
		Map<String, String> members = new LinkedHashMap<>();
		parser.expect('{');
		if (!parser.skip('}')) {
			do {
				String name = parser.string();
				parser.expect(':');
				members.put(name, parser.string());
			}
			while (parser.skip(','));
			parser.expect('}');
		}
		parser.end();
		return members;
	}

	private static String string(String value) {
		StringBuilder json = new StringBuilder(value.length() + 2).append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		return json.append('"').toString();
	}

	private static final class Parser {

		private final String text;

		private int at;

		Parser(String text) {
			this.text = text;
		}

		void expect(char c) {
			if (!skip(c)) {
				throw fail("'" + c + "' expected");
			}
		}

		boolean skip(char c) {
			whitespace();
			if (this.at < this.text.length() && this.text.charAt(this.at) == c) {
				this.at++;
				return true;
			}
			return false;
		}

		String string() {
			expect('"');
			StringBuilder value = new StringBuilder();
			while (this.at < this.text.length()) {
				char c = this.text.charAt(this.at++);
				if (c == '"') {
					return value.toString();
				}
				if (c < 0x20) {
					throw fail("control character in a string");
				}
				value.append((c == '\\') ? escaped() : c);
			}
			throw fail("unterminated string");
		}

		void end() {
			whitespace();
			if (this.at != this.text.length()) {
				throw fail("unexpected text after the object");
			}
		}

		private char escaped() {
			if (this.at >= this.text.length()) {
				throw fail("unterminated escape");
			}
			char c = this.text.charAt(this.at++);
			return switch (c) {
				case '"', '\\', '/' -> c;
				case 'b' -> '\b';
				case 'f' -> '\f';
				case 'n' -> '\n';
				case 'r' -> '\r';
				case 't' -> '\t';
				case 'u' -> unicode();
				default -> throw fail("invalid escape '\\" + c + "'");
			};
		}

		private char unicode() {
			if (this.at + 4 > this.text.length()) {
				throw fail("unterminated \\u escape");
			}
			try {
				char c = (char) Integer.parseInt(this.text.substring(this.at, this.at + 4), 16);
				this.at += 4;
				return c;
			}
			catch (NumberFormatException ex) {
				throw fail("invalid \\u escape");
			}
		}

		private void whitespace() {
			while (this.at < this.text.length() && " \t\r\n".indexOf(this.text.charAt(this.at)) >= 0) {
				this.at++;
			}
		}

		private IllegalArgumentException fail(String reason) {
			return new IllegalArgumentException("Invalid JSON at offset " + this.at + ": " + reason);
		}

	}

}
