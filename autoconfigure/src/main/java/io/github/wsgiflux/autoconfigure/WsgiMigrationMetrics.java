package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.migration.ComparisonResult;
import io.github.wsgiflux.migration.CompareRule;
import io.github.wsgiflux.migration.MigrationComparisons;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The counter {@code wsgi.migration.comparisons}, tagged {@code route} (the configured pattern: bounded) and
 * {@code result} ({@code match}, {@code mismatch}, {@code error}, {@code skipped}).
 */
public class WsgiMigrationMetrics implements MeterBinder {

	private final MigrationComparisons comparisons;

	/**
	 * Create an instance.
	 * @param comparisons the results to publish
	 */
	public WsgiMigrationMetrics(MigrationComparisons comparisons) {
		this.comparisons = comparisons;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (CompareRule rule : this.comparisons.getRules()) {
			for (ComparisonResult result : ComparisonResult.values()) {
				FunctionCounter
					.builder("wsgi.migration.comparisons", this.comparisons,
							(comparisons) -> comparisons.getCount(rule.getRoute(), result))
					.tag("route", rule.getRoute())
					.tag("result", result.tag())
					.description("Shadow comparisons of a legacy route and its native replacement")
					.register(registry);
			}
		}
	}

}
