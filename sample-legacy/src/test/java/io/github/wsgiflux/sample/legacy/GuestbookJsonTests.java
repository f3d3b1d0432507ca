package io.github.wsgiflux.sample.legacy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The guestbook's hand-written JSON: what it writes reads back, escapes included.
 */
class GuestbookJsonTests {

	@Test
	void entryIsWrittenAsJacksonWouldWriteIt() {
		assertThat(GuestbookJson.entry(Map.of("id", "7", "author", "Grace", "message", "COBOL forever")))
			.isEqualTo("{\"id\":7,\"author\":\"Grace\",\"message\":\"COBOL forever\"}");
		assertThat(GuestbookJson.entries(List.of())).isEqualTo("[]");
		assertThat(GuestbookJson.entries(List.of(Map.of("id", "1", "author", "a", "message", "b"),
				Map.of("id", "2", "author", "c", "message", "d"))))
			.isEqualTo("[{\"id\":1,\"author\":\"a\",\"message\":\"b\"},{\"id\":2,\"author\":\"c\",\"message\":\"d\"}]");
	}

	@Test
	void escapedTextReadsBack() {
		String tricky = "quote \" backslash \\ newline \n tab \t bell \u0007 caf\u00e9 \u2603";
		String json = GuestbookJson.entry(Map.of("id", "1", "author", tricky, "message", "m"));
		assertThat(json).doesNotContain("\n").doesNotContain("\u0007").contains("\\u0007");
		assertThat(GuestbookJson.parseObject(json.replace("\"id\":1,", ""))).containsEntry("author", tricky);
	}

	@Test
	void objectOfStringsIsParsed() {
		assertThat(GuestbookJson.parseObject(" { \"author\" : \"Ada\" ,\n\"message\":\"\\u0048i \\/ \\\"there\\\"\" } "))
			.containsExactly(Map.entry("author", "Ada"), Map.entry("message", "Hi / \"there\""));
		assertThat(GuestbookJson.parseObject("{}")).isEmpty();
	}

	@Test
	void anythingElseIsRefused() {
		for (String bad : List.of("", "[]", "{\"a\":1}", "{\"a\":\"b\"", "{\"a\":\"b\"} x", "{\"a\":\"\\x\"}",
				"{\"a\":\"\\u12\"}", "{\"a\" \"b\"}", "{\"a\":\"b\",}")) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> GuestbookJson.parseObject(bad));
		}
	}

}
