package io.github.wsgiflux.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Identifier segments collapse to {@code {id}}; the hash and the match of a template are computed over the path in
 * place and agree with the template built.
 */
class RouteTemplatesTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = ' ', value = {
			// numeric
			"/entries/42 /entries/{id}",
			"/entries/0 /entries/{id}",
			"/users/1234567890123/orders/7 /users/{id}/orders/{id}",
			// UUID, either case
			"/items/123e4567-e89b-12d3-a456-426614174000 /items/{id}",
			"/items/123E4567-E89B-12D3-A456-426614174000/parts /items/{id}/parts",
			// long hex (16 digits or more), short hex kept: it may be a word
			"/blobs/0123456789abcdef /blobs/{id}",
			"/commits/9fceb02d0ae598e95dc970b74767f19372d61af8 /commits/{id}",
			"/cafe/beef /cafe/beef",
			"/blobs/0123456789abcde /blobs/0123456789abcde",
			// mixed: identifiers beside words, words with digits kept
			"/v2/users/42/files/abc123 /v2/users/{id}/files/abc123",
			"/api/entries/42x /api/entries/42x",
			"/items/123e4567-e89b-12d3-a456-42661417400g /items/123e4567-e89b-12d3-a456-42661417400g",
			// root, trailing and repeated slashes kept as they are
			"/ /",
			"/entries/ /entries/",
			"/entries/42/ /entries/{id}/",
			"//42 //{id}",
			// percent-escapes are not decoded: such a segment is kept
			"/files/%31%32 /files/%31%32",
			"/tags/caf%C3%A9/7 /tags/caf%C3%A9/{id}",
			"/a%2F42/9 /a%2F42/{id}" })
	void collapsesIdentifierSegments(String path, String template) {
		assertThat(RouteTemplates.template(path)).isEqualTo(template);
		assertThat(RouteTemplates.hash(path)).isEqualTo(template.hashCode());
		assertThat(RouteTemplates.matches(template, path)).isTrue();
	}

	@ParameterizedTest(name = "{0} is not {1}")
	@CsvSource(delimiter = ' ', value = { "/entries/{id} /entries", "/entries/{id} /entries/42/",
			"/entries/{id} /entries/abc", "/entries/abc /entries/42", "/entries/{id}x /entries/42",
			"/entries/{id}/x /entries/42", "/ /entries" })
	void matchesNoOtherTemplate(String template, String path) {
		assertThat(RouteTemplates.matches(template, path)).isFalse();
	}

	@ParameterizedTest
	@CsvSource(delimiter = ' ', value = { "/entries", "/", "/a/b/c.html" })
	void pathWithoutIdentifiersIsItsOwnTemplateWithoutACopy(String path) {
		assertThat(RouteTemplates.template(path)).isSameAs(path);
	}

}
