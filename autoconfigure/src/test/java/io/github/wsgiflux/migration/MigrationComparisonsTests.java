package io.github.wsgiflux.migration;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The counts and the bounded ring of mismatches.
 */
class MigrationComparisonsTests {

	private final CompareRule rule = new CompareRule("/stats", Set.of(HttpMethod.GET), 1, ServedSide.NATIVE, List.of(),
			List.of(), 1024, null);

	@Test
	void ringKeepsTheLastMismatchesNewestFirst() {
		MigrationComparisons comparisons = new MigrationComparisons(List.of(this.rule), 2, Duration.ofMinutes(1));
		for (int i = 1; i <= 3; i++) {
			comparisons.record(this.rule, this.rule.getServe(), "GET", "/stats?" + i, mismatch(i));
		}
		assertThat(comparisons.report().mismatches()).extracting(MigrationComparisons.Mismatch::path)
			.containsExactly("/stats?3", "/stats?2");
		assertThat(comparisons.getCount("/stats", ComparisonResult.MISMATCH)).isEqualTo(3);
	}

	@Test
	void matchesErrorsAndSkipsAreCountedAndOnlyErrorsAreKeptBesideMismatches() {
		MigrationComparisons comparisons = new MigrationComparisons(List.of(this.rule), 2, Duration.ofMinutes(1));
		comparisons.record(this.rule, this.rule.getServe(), "GET", "/stats",
				new ResponseComparator.Comparison(ComparisonResult.MATCH, List.of()));
		comparisons.record(this.rule, this.rule.getServe(), "GET", "/stats", new ResponseComparator.Comparison(ComparisonResult.ERROR,
				List.of(Difference.of("error", "status 500", "status 200"))));
		comparisons.skipped(this.rule);
		assertThat(comparisons.report().routes()).singleElement()
			.satisfies((route) -> assertThat(route.comparisons()).containsEntry("match", 1L)
				.containsEntry("mismatch", 0L)
				.containsEntry("error", 1L)
				.containsEntry("skipped", 1L));
		assertThat(comparisons.report().mismatches()).singleElement().satisfies((kept) -> {
			assertThat(kept.result()).isEqualTo("error");
			assertThat(kept.differences()).containsExactly(new Difference("error", "status 500", "status 200"));
		});
	}

	@Test
	void aRouteComparedTwiceIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new MigrationComparisons(List.of(this.rule, this.rule), 2, Duration.ofMinutes(1)))
			.withMessageContaining("/stats");
	}

	@Test
	void aSampleRateOutsideZeroToOneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CompareRule("/stats", Set.of(HttpMethod.GET), 1.5,
				ServedSide.NATIVE, List.of(), List.of(), 1024, null));
	}

	private static ResponseComparator.Comparison mismatch(int i) {
		return new ResponseComparator.Comparison(ComparisonResult.MISMATCH,
				List.of(Difference.of("status", "200", Integer.toString(400 + i))));
	}

}
