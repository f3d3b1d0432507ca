package io.github.wsgiflux.python;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PEP 3333 contract as Python sees it, every request checked by {@code wsgiref.validate.validator} (which
 * raises, so a 500, on any violation of ours), and what a faulty Python application gets.
 */
class PythonContractTests extends PythonServerTestSupport {

	@Test
	void environHasPep3333TypesAndPassesTheValidator() {
		HttpResponse<String> response = this.http.get("/pep3333/environ?x=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"wsgi.version\": [1, 0]")
			.contains("\"wsgi.version\": \"tuple\"")
			.contains("\"SERVER_PORT\": \"str\"")
			.contains("\"wsgi.multithread\": \"bool\"")
			.contains("\"wsgi.input\": \"InputWrapper\"")
			.contains("\"wsgi.errors\": \"ErrorWrapper\"")
			.contains("\"SCRIPT_NAME\": \"/pep3333\"")
			.contains("\"PATH_INFO\": \"/environ\"")
			.contains("\"QUERY_STRING\": \"x=1\"")
			.contains("\"SERVER_PORT\": \"" + this.port + "\"");
	}

	@Test
	void wsgiMultiprocessIsFalseForAnApplicationInOneContext() {
		HttpResponse<String> response = this.http.get("/pep3333/environ");
		assertThat(response.body()).contains("\"wsgi.multiprocess\": false").contains("\"wsgi.multithread\": true");
	}

	@Test
	void inputSupportsReadlineWithSizeReadlinesAndRead() {
		HttpResponse<String> response = this.http.post("/pep3333/input", "text/plain", "one\ntwo\nthree\nfour");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"first\": \"one\\n\"")
			.contains("\"second\": \"two\"")
			.contains("\"rest\": [\"\\n\", \"three\\n\", \"four\"]")
			.contains("\"after\": \"\"");
	}

	@Test
	void readOfAHugeSizeReturnsTheShortBodyWithoutAllocatingTheSize() {
		HttpResponse<String> response = this.http.post("/faulty/read-huge", "text/plain", "small body");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("small body");
	}

	@Test
	void inputIteratesLines() {
		HttpResponse<String> response = this.http.post("/pep3333/iterate", "text/plain", "a\nbb\nccc\n");
		assertThat(response.body()).isEqualTo("9");
	}

	@Test
	void bytesBytearrayAndMemoryviewChunksCrossUnchanged() {
		HttpResponse<byte[]> response = this.http.client()
			.sendAsync(HttpRequest.newBuilder(this.http.uri("/faulty/bytes")).build(),
					HttpResponse.BodyHandlers.ofByteArray())
			.join();
		byte[] body = response.body();
		assertThat(body).hasSize(256 + 4 + 2);
		for (int i = 0; i < 256; i++) {
			assertThat(body[i] & 0xFF).isEqualTo(i);
		}
		assertThat(new String(body, 256, 6, StandardCharsets.ISO_8859_1)).isEqualTo("-ba-mv");
	}

	@Test
	void wsgiErrorsAndWriteCallableWork() {
		assertThat(this.http.get("/pep3333/errors").body()).isEqualTo("logged");
		assertThat(this.http.get("/pep3333/write").body()).isEqualTo("written then returned");
	}

	@Test
	void startResponseTakesExcInfoAsKeywordToReplaceTheResponse() {
		HttpResponse<String> response = this.http.get("/pep3333/exc-info");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).isEqualTo("replaced");
	}

	@Test
	void fileWrapperStreamsAFileLikeObject() {
		assertThat(this.http.get("/pep3333/file").body()).hasSize(20000);
	}

	@Test
	void pythonExceptionIsA500WithoutItsMessageAndTheServerKeepsServing() {
		HttpResponse<String> response = this.http.get("/faulty/raise");
		assertThat(response.statusCode()).isEqualTo(500);
		assertThat(response.body()).doesNotContain("secret-detail-42")
			.doesNotContain("ValueError")
			.doesNotContain("Traceback");
		assertThat(this.http.get("/pep3333/write").statusCode()).isEqualTo(200);
	}

	@Test
	void contractViolationsAre500s() {
		for (String path : new String[] { "/faulty/none", "/faulty/str-chunk", "/faulty/bad-status",
				"/faulty/bad-header" }) {
			assertThat(this.http.get(path).statusCode()).as(path).isEqualTo(500);
		}
	}

	@Test
	void closeIsCalledAfterAFailedIterationAndAFailingCloseKeepsTheBody() {
		int before = Integer.parseInt(this.http.get("/faulty/closed").body());
		try {
			this.http.get("/faulty/raise-in-iteration");
		}
		catch (RuntimeException ex) {
			// The headers were sent with the first chunk: the response is aborted.
		}
		HttpResponse<String> closing = this.http.get("/faulty/raise-in-close");
		assertThat(closing.statusCode()).isEqualTo(200);
		assertThat(closing.body()).isEqualTo("body");
		assertThat(Integer.parseInt(this.http.get("/faulty/closed").body())).isEqualTo(before + 2);
	}

}
