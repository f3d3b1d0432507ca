package io.github.wsgiflux.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.net.URL;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code application.yml} (and {@code application-python.yml}) shows every {@code wsgi.*} property of the starter's metadata.
 */
class SampleConfigurationTests {

	@Test
	void applicationYmlShowsEveryWsgiProperty() throws IOException {
		String yaml = read("/application.yml") + read("/application-python.yml");
		int checked = 0;
		Enumeration<URL> metadata = getClass().getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (metadata.hasMoreElements()) {
			JsonNode root = JsonMapper.builder().build().readTree(metadata.nextElement().openStream());
			for (JsonNode property : root.path("properties")) {
				String name = property.path("name").asString();
				if (name.startsWith("wsgi.")) {
					String key = name.substring(name.lastIndexOf('.') + 1);
					assertThat(yaml).as("application.yml shows %s", name).containsPattern("(?m)^\\s*#?\\s*" + key + ":");
					checked++;
				}
			}
		}
		assertThat(checked).isGreaterThan(10);
	}

	private String read(String resource) throws IOException {
		try (InputStream in = getClass().getResourceAsStream(resource)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
