package io.github.wsgiflux.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.resource.CachingResourceResolver;
import org.springframework.web.reactive.resource.PathResourceResolver;
import org.springframework.web.reactive.resource.ResourceResolver;
import org.springframework.web.reactive.resource.ResourceWebHandler;
import org.springframework.web.util.UriUtils;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The static resources of the application, listed once at startup, so that deciding whether a request is for one
 * costs a set lookup instead of a class-path or file-system lookup per request. A lookup per request ran on the
 * event loop for every path not seen before, and the JDK remembers every resource name it was asked for
 * ({@code BuiltinClassLoader}'s resource cache, softly referenced): a scan of random paths grew the heap.
 * <p>
 * Each resource handler mapping (the pattern and locations of Spring's {@link ResourceWebHandler}) is indexed by
 * listing the files under its locations ({@code classpath:} locations across every jar and directory of the class
 * path, as the handler resolves them). A mapping whose handler resolves paths other than one to one (a version
 * strategy, versionless WebJars), or whose locations cannot be listed, is left to the per-request lookup: for its
 * paths, {@link #isStaticResource} answers {@code null}. Files added to a location after startup are not seen.
 */
final class StaticResourceIndex {

	private static final Log logger = LogFactory.getLog(StaticResourceIndex.class);

	private final List<Mapping> mappings;

	private StaticResourceIndex(List<Mapping> mappings) {
		this.mappings = mappings;
	}

	/**
	 * List the static resources that the context's resource handler mappings serve. Blocking I/O: call it at
	 * startup, never on an event loop.
	 * @param context the application context
	 * @return the index
	 */
	static StaticResourceIndex of(ApplicationContext context) {
		List<SimpleUrlHandlerMapping> handlerMappings = new ArrayList<>(
				context.getBeansOfType(SimpleUrlHandlerMapping.class, false, false).values());
		AnnotationAwareOrderComparator.sort(handlerMappings);
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver(
				context.getClassLoader());
		List<Mapping> mappings = new ArrayList<>();
		int files = 0;
		for (SimpleUrlHandlerMapping handlerMapping : handlerMappings) {
			for (Map.Entry<PathPattern, Object> entry : handlerMapping.getHandlerMap().entrySet()) {
				if (entry.getValue() instanceof ResourceWebHandler handler) {
					Set<String> paths = list(handler, resolver);
					mappings.add(new Mapping(entry.getKey(), paths));
					files += (paths != null) ? paths.size() : 0;
				}
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Indexed " + files + " static resources in " + mappings.size() + " resource mapping(s)");
		}
		return new StaticResourceIndex(List.copyOf(mappings));
	}

	/**
	 * Whether a request path is a static resource that exists.
	 * @param lookupPath the path within the application
	 * @return the answer, or {@code null} when only a lookup can tell (see the class description)
	 */
	@Nullable Boolean isStaticResource(PathContainer lookupPath) {
		String value = null;
		for (Mapping mapping : this.mappings) {
			if (mapping.paths != null && mapping.paths.isEmpty()) {
				// Nothing to serve under this pattern (an application without static files): no match to compute.
				continue;
			}
			String within;
			if (mapping.prefix != null) {
				// "/prefix/**": the path within is what follows the prefix (Spring's extraction builds it from the
				// path's elements, a stream per request); a doubled or trailing separator, which Spring's extraction
				// drops, takes Spring's way.
				value = (value != null) ? value : lookupPath.value();
				if (!value.startsWith(mapping.prefix) || value.indexOf("//") >= 0 || value.endsWith("/")) {
					if (!mapping.pattern.matches(lookupPath)) {
						continue;
					}
					within = mapping.pattern.extractPathWithinPattern(lookupPath).value();
				}
				else {
					within = value.substring(mapping.prefix.length());
				}
			}
			else {
				if (!mapping.pattern.matches(lookupPath)) {
					continue;
				}
				within = mapping.pattern.extractPathWithinPattern(lookupPath).value();
			}
			if (mapping.paths == null) {
				return null;
			}
			if (mapping.paths.contains(within)
					|| (within.indexOf('%') >= 0 && mapping.paths.contains(decode(within)))) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Set<String> list(ResourceWebHandler handler, PathMatchingResourcePatternResolver resolver) {
		for (ResourceResolver resourceResolver : handler.getResourceResolvers()) {
			if (!(resourceResolver instanceof PathResourceResolver)
					&& !(resourceResolver instanceof CachingResourceResolver)) {
				return null;
			}
		}
		Set<String> paths = new HashSet<>();
		try {
			for (Resource location : handler.getLocations()) {
				if (location instanceof ClassPathResource classPath) {
					String path = classPath.getPath();
					String root = path.isEmpty() || path.endsWith("/") ? path : path + "/";
					for (Resource base : resolver.getResources("classpath*:" + root)) {
						addFiles(base, resolver, paths);
					}
				}
				else if (location.exists()) {
					addFiles(location, resolver, paths);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot list the static resources of " + handler.getLocations()
					+ "; they are looked up per request", ex);
			return null;
		}
		return Set.copyOf(paths);
	}

	private static void addFiles(Resource base, PathMatchingResourcePatternResolver resolver, Set<String> paths)
			throws IOException {
		String baseUrl = base.getURL().toString();
		if (!baseUrl.endsWith("/")) {
			baseUrl = baseUrl + "/";
		}
		for (Resource file : resolver.getResources(baseUrl + "**")) {
			String url = file.getURL().toString();
			if (url.startsWith(baseUrl) && !url.endsWith("/") && file.isReadable()) {
				paths.add(decode(url.substring(baseUrl.length())));
			}
		}
	}

	private static String decode(String path) {
		return UriUtils.decode(path, StandardCharsets.UTF_8);
	}

	/**
	 * One resource handler mapping: its pattern and the paths within it that exist, or {@code null} if unknown.
	 */
	private record Mapping(PathPattern pattern, @Nullable Set<String> paths, @Nullable String prefix) {

		Mapping(PathPattern pattern, @Nullable Set<String> paths) {
			this(pattern, paths, literalPrefix(pattern.getPatternString()));
		}

		/** {@code /a/b/} of a pattern {@code /a/b/**} without other wildcards, or {@code null}. */
		private static @Nullable String literalPrefix(String pattern) {
			if (!pattern.endsWith("/**")) {
				return null;
			}
			String prefix = pattern.substring(0, pattern.length() - 2);
			for (int i = 0; i < prefix.length(); i++) {
				char c = prefix.charAt(i);
				if (c == '*' || c == '?' || c == '{' || c == '}' || c == '%' || c == ';') {
					return null;
				}
			}
			return prefix;
		}

	}

}
