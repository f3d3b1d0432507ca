package io.github.wsgiflux.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the README's configuration reference has a row, with the default, for every property of a module's
 * generated configuration metadata under a prefix, and that each has a description.
 */
public final class ReadmeConfigurationReference {

	private ReadmeConfigurationReference() {
	}

	/**
	 * Assert the module's properties under {@code prefix} are documented in {@code ../README.md}.
	 * @param prefix the property prefix, such as {@code "wsgi."}
	 * @return the names checked
	 * @throws IOException when the README or the metadata cannot be read
	 */
	public static List<String> assertDocumented(String prefix) throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		JsonNode metadata = JsonMapper.builder()
			.build()
			.readTree(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json").toFile());
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			if (!name.startsWith(prefix)) {
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
		return names;
	}

}
