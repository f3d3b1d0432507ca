package io.github.wsgiflux.migration;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * One compared route: which requests (a path pattern, parsed once, and methods), how many of them (a sample rate),
 * which side answers the client, and what is compared.
 */
public final class CompareRule {

	private final String route;

	private final PathPattern pattern;

	private final Set<HttpMethod> methods;

	private final double sampleRate;

	private final ServedSide serve;

	private final List<String> headers;

	private final List<String> ignoredPointers;

	private final int maxBodySize;

	private final @Nullable BodyNormalizer normalizer;

	/**
	 * Create a rule.
	 * @param route the path pattern, in Spring's {@code PathPattern} syntax; also the {@code route} tag
	 * @param methods the methods compared
	 * @param sampleRate the share of matching requests compared, from 0 to 1
	 * @param serve the side that answers the client
	 * @param headers the response headers compared, besides the status and {@code Content-Type}
	 * @param ignoredPointers JSON pointers (RFC 6901) left out of the comparison of JSON bodies, with what is below
	 * @param maxBodySize the most body bytes captured per side; larger bodies are compared by length and hash
	 * @param normalizer what rewrites non-JSON bodies before they are compared, if anything
	 */
	public CompareRule(String route, Set<HttpMethod> methods, double sampleRate, ServedSide serve, List<String> headers,
			List<String> ignoredPointers, int maxBodySize, @Nullable BodyNormalizer normalizer) {
		if (!(sampleRate >= 0 && sampleRate <= 1)) {
			throw new IllegalArgumentException("The sample rate of " + route + " must be from 0 to 1, was " + sampleRate);
		}
		if (methods.isEmpty()) {
			throw new IllegalArgumentException("No method to compare on " + route);
		}
		for (String pointer : ignoredPointers) {
			if (!pointer.isEmpty() && !pointer.startsWith("/")) {
				throw new IllegalArgumentException(
						"Ignored JSON pointer '" + pointer + "' of " + route + " must be empty or start with '/'");
			}
		}
		if (maxBodySize < 0) {
			throw new IllegalArgumentException("The body capture bound of " + route + " must be >= 0");
		}
		this.route = route;
		this.pattern = PathPatternParser.defaultInstance.parse(route);
		this.methods = Set.copyOf(methods);
		this.sampleRate = sampleRate;
		this.serve = serve;
		this.headers = headers.stream().map((name) -> name.toLowerCase(Locale.ROOT)).toList();
		this.ignoredPointers = List.copyOf(ignoredPointers);
		this.maxBodySize = maxBodySize;
		this.normalizer = normalizer;
	}

	/**
	 * Whether a request is one of this rule's.
	 * @param method the request's method
	 * @param path the path within the application
	 * @return whether it matches
	 */
	public boolean matches(HttpMethod method, PathContainer path) {
		return this.methods.contains(method) && this.pattern.matches(path);
	}

	/**
	 * Draw whether this request is compared.
	 * @return whether it is sampled
	 */
	boolean sample() {
		return this.sampleRate >= 1 || (this.sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < this.sampleRate);
	}

	/**
	 * The configured pattern: the name of the route in the counts and the reports.
	 * @return the pattern as configured
	 */
	public String getRoute() {
		return this.route;
	}

	/**
	 * The methods compared.
	 * @return the methods
	 */
	public Set<HttpMethod> getMethods() {
		return this.methods;
	}

	/**
	 * The share of matching requests compared.
	 * @return from 0 to 1
	 */
	public double getSampleRate() {
		return this.sampleRate;
	}

	/**
	 * The side that answers the client.
	 * @return the side
	 */
	public ServedSide getServe() {
		return this.serve;
	}

	/**
	 * The response headers compared besides the status and {@code Content-Type}, lower case.
	 * @return the header names
	 */
	public List<String> getHeaders() {
		return this.headers;
	}

	/**
	 * The JSON pointers left out of the comparison.
	 * @return the pointers
	 */
	public List<String> getIgnoredPointers() {
		return this.ignoredPointers;
	}

	/**
	 * The most body bytes captured per side.
	 * @return the bound
	 */
	public int getMaxBodySize() {
		return this.maxBodySize;
	}

	/**
	 * What rewrites non-JSON bodies before they are compared.
	 * @return the normalizer, or {@code null} for byte-for-byte comparison
	 */
	public @Nullable BodyNormalizer getNormalizer() {
		return this.normalizer;
	}

}
