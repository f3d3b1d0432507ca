package io.github.wsgiflux.autoconfigure;

import java.io.IOException;

import io.github.wsgiflux.test.ReadmeConfigurationReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration reference lists every {@code wsgi.*} property of the generated metadata, with its
 * default.
 */
class ReadmeConfigurationReferenceTests {

	@Test
	void everyPropertyOfTheMetadataIsDocumentedInTheReadmeWithItsDefault() throws IOException {
		assertThat(ReadmeConfigurationReference.assertDocumented("wsgi."))
			.contains("wsgi.enabled", "wsgi.scheduler.thread-cap", "wsgi.routing.precedence",
					"wsgi.routing.legacy-paths", "wsgi.routes.max-templates", "wsgi.metrics.route-tag");
	}

}
