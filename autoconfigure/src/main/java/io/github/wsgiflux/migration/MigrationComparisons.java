package io.github.wsgiflux.migration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The results of the shadow comparisons: a count per compared route and result, the last mismatches with their
 * differences (a bounded ring, newest first in the {@linkplain #report() report}), and at most one WARN per route
 * and interval for mismatches and for errors. Thread-safe; what the actuator endpoint shows.
 */
public final class MigrationComparisons {

	private static final Log logger = LogFactory.getLog(MigrationComparisons.class);

	private static final ComparisonResult[] RESULTS = ComparisonResult.values();

	private final Map<String, RouteResults> routes = new LinkedHashMap<>();

	private final int mismatchesKept;

	private final long warnIntervalNanos;

	private final Clock clock;

	private final ArrayDeque<Mismatch> mismatches = new ArrayDeque<>();

	/**
	 * Create an instance.
	 * @param rules the compared routes
	 * @param mismatchesKept how many of the last mismatches and errors are kept
	 * @param warnInterval at most one WARN per route in this interval, for mismatches and for errors alike
	 */
	public MigrationComparisons(List<CompareRule> rules, int mismatchesKept, Duration warnInterval) {
		this(rules, mismatchesKept, warnInterval, Clock.systemUTC());
	}

	MigrationComparisons(List<CompareRule> rules, int mismatchesKept, Duration warnInterval, Clock clock) {
		if (mismatchesKept < 0) {
			throw new IllegalArgumentException("mismatchesKept must be >= 0, was " + mismatchesKept);
		}
		for (CompareRule rule : rules) {
			if (this.routes.putIfAbsent(rule.getRoute(), new RouteResults(rule, warnInterval.toNanos())) != null) {
				throw new IllegalArgumentException("Route " + rule.getRoute() + " is compared twice");
			}
		}
		this.mismatchesKept = mismatchesKept;
		this.warnIntervalNanos = warnInterval.toNanos();
		this.clock = clock;
	}

	/**
	 * The compared routes, in the configured order.
	 * @return the rules
	 */
	public List<CompareRule> getRules() {
		return this.routes.values().stream().map(RouteResults::rule).toList();
	}

	/**
	 * How many comparisons of a route ended with a result, since start.
	 * @param route the route (the configured pattern)
	 * @param result the result
	 * @return the count, 0 for an unknown route
	 */
	public long getCount(String route, ComparisonResult result) {
		RouteResults results = this.routes.get(route);
		return (results != null) ? results.counts[result.ordinal()].sum() : 0;
	}

	/** Count a comparison that did not run. */
	void skipped(CompareRule rule) {
		results(rule).counts[ComparisonResult.SKIPPED.ordinal()].increment();
	}

	/**
	 * Count a comparison; keep and report a mismatch; report an error.
	 * @param served the side that answered the client: the rule's, or legacy while the rollback switch sends the
	 * route there
	 */
	void record(CompareRule rule, ServedSide served, String method, String path,
			ResponseComparator.Comparison comparison) {
		RouteResults results = results(rule);
		results.counts[comparison.result().ordinal()].increment();
		if (comparison.result() == ComparisonResult.MISMATCH || comparison.result() == ComparisonResult.ERROR) {
			keep(new Mismatch(this.clock.instant(), rule.getRoute(), method, path, served.label(),
					comparison.result().tag(), comparison.differences()));
		}
		if (comparison.result() == ComparisonResult.MISMATCH) {
			if (results.mayWarn(results.lastMismatchWarning, this.warnIntervalNanos)) {
				logger.warn("Shadow comparison of " + method + " " + path + " (route " + rule.getRoute() + ", serving "
						+ served.label() + "): legacy and native differ: " + comparison.differences()
						+ "; see /actuator/wsgi/comparisons");
			}
		}
		else if (comparison.result() == ComparisonResult.ERROR
				&& results.mayWarn(results.lastErrorWarning, this.warnIntervalNanos)) {
			logger.warn("Shadow comparison of " + method + " " + path + " (route " + rule.getRoute() + ", serving "
					+ served.label() + ") failed: " + comparison.differences());
		}
	}

	private void keep(Mismatch mismatch) {
		if (this.mismatchesKept == 0) {
			return;
		}
		synchronized (this.mismatches) {
			if (this.mismatches.size() == this.mismatchesKept) {
				this.mismatches.removeFirst();
			}
			this.mismatches.addLast(mismatch);
		}
	}

	private RouteResults results(CompareRule rule) {
		RouteResults results = this.routes.get(rule.getRoute());
		if (results == null) {
			throw new IllegalArgumentException("Route " + rule.getRoute() + " is not compared");
		}
		return results;
	}

	/**
	 * The counts per route and the kept mismatches, newest first.
	 * @return the report
	 */
	public Report report() {
		List<RouteReport> routes = new ArrayList<>();
		for (RouteResults results : this.routes.values()) {
			Map<String, Long> counts = new LinkedHashMap<>();
			for (ComparisonResult result : RESULTS) {
				counts.put(result.tag(), results.counts[result.ordinal()].sum());
			}
			CompareRule rule = results.rule();
			routes.add(new RouteReport(rule.getRoute(), rule.getMethods().stream().map(Object::toString).sorted().toList(),
					rule.getServe().label(), rule.getSampleRate(), counts));
		}
		List<Mismatch> newestFirst = new ArrayList<>();
		synchronized (this.mismatches) {
			Iterator<Mismatch> iterator = this.mismatches.descendingIterator();
			iterator.forEachRemaining(newestFirst::add);
		}
		return new Report(routes, newestFirst);
	}

	/**
	 * What {@code /actuator/wsgi/comparisons} shows.
	 * @param routes each compared route with its counts
	 * @param mismatches the last mismatches, newest first
	 */
	public record Report(List<RouteReport> routes, List<Mismatch> mismatches) {
	}

	/**
	 * One compared route.
	 * @param route the configured path pattern
	 * @param methods the compared methods
	 * @param serve the side that answers the client: {@code legacy} or {@code native}
	 * @param sampleRate the share of requests compared
	 * @param comparisons the count of each result since start: {@code match}, {@code mismatch}, {@code error},
	 * {@code skipped}
	 */
	public record RouteReport(String route, List<String> methods, String serve, double sampleRate,
			Map<String, Long> comparisons) {
	}

	/**
	 * One mismatch.
	 * @param time when it was compared
	 * @param route the compared route
	 * @param method the request's method
	 * @param path the request's path
	 * @param served the side that answered the client
	 * @param result {@code mismatch}, or {@code error} when a side failed (what it failed with in the differences)
	 * @param differences what differs, each with both values
	 */
	public record Mismatch(Instant time, String route, String method, String path, String served, String result,
			List<Difference> differences) {
	}

	private record RouteResults(CompareRule rule, LongAdder[] counts, AtomicLong lastMismatchWarning,
			AtomicLong lastErrorWarning) {

		RouteResults(CompareRule rule, long warnIntervalNanos) {
			this(rule, newCounts(), new AtomicLong(System.nanoTime() - warnIntervalNanos),
					new AtomicLong(System.nanoTime() - warnIntervalNanos));
		}

		boolean mayWarn(AtomicLong last, long intervalNanos) {
			long now = System.nanoTime();
			long previous = last.get();
			return now - previous >= intervalNanos && last.compareAndSet(previous, now);
		}

		private static LongAdder[] newCounts() {
			LongAdder[] counts = new LongAdder[RESULTS.length];
			for (int i = 0; i < counts.length; i++) {
				counts[i] = new LongAdder();
			}
			return counts;
		}

	}

}
