package io.github.wsgiflux.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.resource.ResourceWebHandler;
import org.springframework.web.reactive.resource.VersionResourceResolver;

import org.springframework.web.util.pattern.PathPattern;

import org.springframework.web.util.pattern.PathPatternParser;

import org.springframework.web.util.UriUtils;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StaticResourceIndex}: the files under the locations of each resource handler mapping, listed once, answer
 * whether a request path is a static resource; mappings that resolve paths in other ways are left to a lookup.
 */
class StaticResourceIndexTests {

	@TempDir
	Path directory;

	@Test
	void filesUnderClassPathAndFileLocationsAreStaticResourcesAndNothingElseIs() throws Exception {
		Files.writeString(this.directory.resolve("a b.txt"), "a");
		Files.createDirectories(this.directory.resolve("css"));
		Files.writeString(this.directory.resolve("css/site.css"), "body {}");
		StaticResourceIndex index = index(Map.of("/**", handler(new ClassPathResource("static/"),
				new FileSystemResource(this.directory.toString() + "/"))));
		assertThat(index.isStaticResource(path("/hello.txt"))).isTrue();
		assertThat(index.isStaticResource(path("/css/site.css"))).isTrue();
		assertThat(index.isStaticResource(path("/a%20b.txt"))).isTrue();
		assertThat(index.isStaticResource(path("/css"))).as("a directory").isFalse();
		assertThat(index.isStaticResource(path("/missing.txt"))).isFalse();
		assertThat(index.isStaticResource(path("/whole/12345"))).isFalse();
	}

	@Test
	void aPathOutsideEveryResourcePatternIsNoStaticResource() {
		StaticResourceIndex index = index(Map.of("/assets/**", handler(new ClassPathResource("static/"))));
		assertThat(index.isStaticResource(path("/assets/hello.txt"))).isTrue();
		assertThat(index.isStaticResource(path("/hello.txt"))).isFalse();
		assertThat(index.isStaticResource(path("/assetsX/hello.txt"))).isFalse();
		assertThat(index.isStaticResource(path("/assets"))).isFalse();
	}

	@Test
	void theLiteralPrefixShortcutAgreesWithSpringsPatternExtraction() {
		// "/assets/**" is answered by cutting the prefix instead of Spring's extraction: same answers, doubled
		// separators and encoded names included (the location holds one file, hello.txt).
		StaticResourceIndex index = index(Map.of("/assets/**", handler(new ClassPathResource("static/"))));
		PathPattern pattern = PathPatternParser.defaultInstance.parse("/assets/**");
		for (String candidate : new String[] { "/assets/hello.txt", "/assets//hello.txt", "/assets/css/site.css",
				"/assets/./hello.txt", "/assets/missing.txt", "/assets/", "/assets", "/assetsX/hello.txt",
				"/assets/%68ello.txt", "/Assets/hello.txt", "/other/assets/hello.txt", "/assets/hello.txt/" }) {
			PathContainer path = path(candidate);
			String within = pattern.matches(path) ? pattern.extractPathWithinPattern(path).value() : null;
			boolean expected = within != null && (within.equals("hello.txt")
					|| UriUtils.decode(within, StandardCharsets.UTF_8).equals("hello.txt"));
			assertThat(index.isStaticResource(path)).as(candidate).isEqualTo(expected);
		}
	}

	@Test
	void aMappingWithAResolverThatRewritesPathsIsLeftToTheLookup() {
		ResourceWebHandler versioned = handler(new ClassPathResource("static/"));
		VersionResourceResolver versions = new VersionResourceResolver().addContentVersionStrategy("/**");
		versioned.setResourceResolvers(List.of(versions, new org.springframework.web.reactive.resource.PathResourceResolver()));
		StaticResourceIndex index = index(Map.of("/**", versioned));
		assertThat(index.isStaticResource(path("/hello-0123456789abcdef.txt"))).isNull();
	}

	private static StaticResourceIndex index(Map<String, ResourceWebHandler> handlers) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean(SimpleUrlHandlerMapping.class, () -> new SimpleUrlHandlerMapping(handlers));
			context.refresh();
			return StaticResourceIndex.of(context);
		}
	}

	private static ResourceWebHandler handler(org.springframework.core.io.Resource... locations) {
		ResourceWebHandler handler = new ResourceWebHandler();
		handler.setLocations(List.of(locations));
		try {
			handler.afterPropertiesSet();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return handler;
	}

	private static PathContainer path(String path) {
		return PathContainer.parsePath(path);
	}

}
