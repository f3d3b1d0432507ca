package io.github.wsgiflux.python.autoconfigure;

import java.io.IOException;

import io.github.wsgiflux.test.ReadmeConfigurationReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README lists every {@code wsgi.python.*} property of the generated metadata, with its default.
 */
class ReadmePythonConfigurationReferenceTests {

	@Test
	void everyPropertyOfTheMetadataIsDocumentedInTheReadmeWithItsDefault() throws IOException {
		assertThat(ReadmeConfigurationReference.assertDocumented("wsgi.python."))
			.contains("wsgi.python.app", "wsgi.python.contexts", "wsgi.python.warm-up");
	}

}
