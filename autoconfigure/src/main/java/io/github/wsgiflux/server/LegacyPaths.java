package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * The rollback switch of a route-by-route migration: path patterns ({@link PathPattern} syntax, matched against the
 * path within the application) whose requests go to the WSGI application even where a native handler exists.
 * Changed at run time; each pattern is parsed once, and requests read an immutable list through one volatile read.
 */
public final class LegacyPaths {

	/**
	 * The exchange attribute that holds the decision for a request, once taken: the pattern that matched, or an empty
	 * string when none did. Whoever reads the switch first for a request decides for all the others, so that a change
	 * of the switch while the request is under way never sends it to two sides.
	 */
	public static final String DECISION_ATTRIBUTE = LegacyPaths.class.getName() + ".decision";

	private static final String NOT_SWITCHED = "";

	private volatile List<PathPattern> patterns;

	/**
	 * Create the switch with its first patterns.
	 * @param patterns the patterns
	 * @throws IllegalArgumentException when a pattern cannot be parsed
	 */
	public LegacyPaths(List<String> patterns) {
		List<PathPattern> parsed = new ArrayList<>();
		for (String pattern : patterns) {
			PathPattern path = parse(pattern);
			if (parsed.stream().noneMatch((existing) -> existing.getPatternString().equals(path.getPatternString()))) {
				parsed.add(path);
			}
		}
		this.patterns = List.copyOf(parsed);
	}

	/**
	 * Whether no pattern is set: then no request is switched.
	 * @return whether the list is empty
	 */
	public boolean isEmpty() {
		return this.patterns.isEmpty();
	}

	/**
	 * The patterns, in the order they were added.
	 * @return the patterns as written
	 */
	public List<String> getPatterns() {
		return this.patterns.stream().map(PathPattern::getPatternString).toList();
	}

	/**
	 * The first pattern that matches a path.
	 * @param pathWithinApplication the path, without the context path
	 * @return the pattern, or {@code null} when none matches
	 */
	public @Nullable String match(PathContainer pathWithinApplication) {
		for (PathPattern pattern : this.patterns) {
			if (pattern.matches(pathWithinApplication)) {
				return pattern.getPatternString();
			}
		}
		return null;
	}

	/**
	 * The pattern that sends a request to the legacy application, decided once per request: the first call reads the
	 * switch and records the decision in the exchange ({@link #DECISION_ATTRIBUTE}), later calls return it.
	 * @param exchange the request's exchange
	 * @return the pattern, or {@code null} when the request is not switched
	 */
	public @Nullable String match(ServerWebExchange exchange) {
		String decided = decision(exchange);
		if (decided != null) {
			return decided.isEmpty() ? null : decided;
		}
		String pattern = isEmpty() ? null : match(exchange.getRequest().getPath().pathWithinApplication());
		exchange.getAttributes().put(DECISION_ATTRIBUTE, (pattern != null) ? pattern : NOT_SWITCHED);
		return pattern;
	}

	/**
	 * The decision recorded for a request, if one was taken.
	 * @param exchange the request's exchange
	 * @return the pattern, an empty string when the request is not switched, or {@code null} when not decided yet
	 */
	public static @Nullable String decision(ServerWebExchange exchange) {
		return exchange.getAttribute(DECISION_ATTRIBUTE);
	}

	/**
	 * Add a pattern.
	 * @param pattern the pattern
	 * @return whether it was added; {@code false} when it was already there
	 * @throws IllegalArgumentException when the pattern cannot be parsed
	 */
	public synchronized boolean add(String pattern) {
		PathPattern parsed = parse(pattern);
		if (indexOf(parsed.getPatternString()) >= 0) {
			return false;
		}
		List<PathPattern> updated = new ArrayList<>(this.patterns);
		updated.add(parsed);
		this.patterns = List.copyOf(updated);
		return true;
	}

	/**
	 * Remove a pattern.
	 * @param pattern the pattern, as added
	 * @return whether it was removed; {@code false} when it was not there
	 */
	public synchronized boolean remove(String pattern) {
		int index = indexOf(pattern.strip());
		if (index < 0) {
			return false;
		}
		List<PathPattern> updated = new ArrayList<>(this.patterns);
		updated.remove(index);
		this.patterns = List.copyOf(updated);
		return true;
	}

	private int indexOf(String pattern) {
		List<PathPattern> current = this.patterns;
		for (int i = 0; i < current.size(); i++) {
			if (current.get(i).getPatternString().equals(pattern)) {
				return i;
			}
		}
		return -1;
	}

	private static PathPattern parse(String pattern) {
		String trimmed = pattern.strip();
		if (!trimmed.startsWith("/")) {
			throw new IllegalArgumentException("A legacy path pattern starts with '/': '" + pattern + "'");
		}
		try {
			return PathPatternParser.defaultInstance.parse(trimmed);
		}
		catch (PatternParseException ex) {
			throw new IllegalArgumentException("Invalid legacy path pattern '" + pattern + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return getPatterns().toString();
	}

}
