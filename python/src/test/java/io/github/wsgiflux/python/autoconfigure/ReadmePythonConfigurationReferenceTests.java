package io.github.wsgiflux.python.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README lists every {@code wsgi.python.*} property of the generated metadata, with its
 * default.
 */
class ReadmePythonConfigurationReferenceTests {

	@Test
	void everyPropertyOfTheMetadataIsDocumentedInTheReadmeWithItsDefault() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		JsonNode metadata = JsonMapper.builder()
			.build()
			.readTree(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json").toFile());
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			if (!name.startsWith("wsgi.")) {
				// management.endpoint.wsgi.*: the actuator's standard endpoint properties, documented by Boot.
				continue;
			}
			names.add(name);
			String row = readme.lines()
				.filter((line) -> line.startsWith("| `" + name + "` |"))
				.findFirst()
				.orElse(null);
			assertThat(row).as("README row of %s", name).isNotNull();
			JsonNode defaultValue = property.get("defaultValue");
			if (defaultValue != null && !defaultValue.isNull()) {
				// Booleans and enum values are written as a user types them: true, after-native.
				assertThat(row.toLowerCase(Locale.ROOT)).as("README default of %s", name)
					.contains("| `" + defaultValue.asString().toLowerCase(Locale.ROOT) + "` |");
			}
			assertThat(property.path("description").asString()).as("description of %s", name).isNotBlank();
		}
		assertThat(names).contains("wsgi.python.app", "wsgi.python.contexts", "wsgi.python.warm-up");
	}

}
