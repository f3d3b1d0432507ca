package io.github.wsgiflux.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.migration.ShadowCompareFilter;
import io.github.wsgiflux.spi.WsgiApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsgiMigrationAutoConfiguration}.
 */
class WsgiMigrationAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsgiAutoConfiguration.class,
				WsgiMigrationAutoConfiguration.class))
		.withBean(WsgiApplication.class, () -> (environ, start) -> List.of());

	@Test
	void whenNoRouteIsComparedThenNoFilterIsInstalled() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ShadowCompareFilter.class)
				.doesNotHaveBean(MigrationComparisons.class);
			assertThat(context.getBeansOfType(WebFilter.class)).isEmpty();
		});
	}

	@Test
	void whenARouteIsComparedThenTheFilterAndTheResultsAreInstalled() {
		this.contextRunner
			.withPropertyValues("wsgi.migration.compare[0].path=/stats", "wsgi.migration.compare[0].serve=native",
					"wsgi.migration.compare[0].methods=get", "wsgi.migration.compare[0].ignore=/generatedAt",
					"wsgi.migration.mismatches-kept=5")
			.run((context) -> {
				assertThat(context).hasSingleBean(ShadowCompareFilter.class);
				assertThat(context.getBean(MigrationComparisons.class).getRules()).singleElement()
					.satisfies((rule) -> {
						assertThat(rule.getRoute()).isEqualTo("/stats");
						assertThat(rule.getMethods()).extracting(Object::toString).containsExactly("GET");
						assertThat(rule.getIgnoredPointers()).containsExactly("/generatedAt");
						assertThat(rule.getMaxBodySize()).isEqualTo(1024 * 1024);
						assertThat(rule.getSampleRate()).isEqualTo(1.0);
					});
			});
	}

	@Test
	void whenAComparedRouteHasNoPathThenStartupFails() {
		this.contextRunner.withPropertyValues("wsgi.migration.compare[0].serve=native")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs a path"));
	}

	@Test
	void whenTheWsgiGatewayIsDisabledThenNothingIsCompared() {
		this.contextRunner.withPropertyValues("wsgi.enabled=false", "wsgi.migration.compare[0].path=/stats")
			.run((context) -> assertThat(context).doesNotHaveBean(ShadowCompareFilter.class));
	}

	@Test
	void everyMigrationPropertyHasMetadataWithADescription() throws IOException {
		JsonNode metadata = JsonMapper.builder()
			.build()
			.readTree(Path.of("target", "classes", "META-INF", "spring-configuration-metadata.json").toFile());
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.path("properties")) {
			String name = property.path("name").asString();
			if (name.startsWith("wsgi.migration.")) {
				names.add(name);
				assertThat(property.path("description").asString()).as(name).isNotBlank();
			}
		}
		assertThat(names).containsExactlyInAnyOrder("wsgi.migration.compare", "wsgi.migration.mismatches-kept",
				"wsgi.migration.warn-interval", "wsgi.migration.shadow-timeout");
	}

}
