package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiRequestRecord;
import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WsgiMetrics}: one {@code wsgi.requests} timer per tag set, reused across requests, with methods and
 * statuses bounded so that clients cannot grow the tag space.
 */
class WsgiMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final WsgiMetrics metrics = new WsgiMetrics(new BoundedWsgiScheduler(Schedulers.immediate(), 1, 0),
			this.registry);

	@Test
	void requestsOfOneTagSetAreRecordedOnOneTimer() {
		for (int i = 0; i < 1000; i++) {
			this.metrics.requestEnded(record("app", "GET", 200, Outcome.SUCCESS, 1_000_000));
		}
		assertThat(this.registry.find("wsgi.requests").timers()).singleElement().satisfies((timer) -> {
			assertThat(timer.count()).isEqualTo(1000);
			assertThat(timer.getId().getTags()).extracting("key", "value")
				.contains(org.assertj.core.groups.Tuple.tuple("mount", "app"),
						org.assertj.core.groups.Tuple.tuple("method", "GET"),
						org.assertj.core.groups.Tuple.tuple("status", "200"),
						org.assertj.core.groups.Tuple.tuple("outcome", "SUCCESS"));
		});
	}

	@Test
	void eachMountMethodStatusAndOutcomeHasItsOwnTimer() {
		this.metrics.requestEnded(record("app", "GET", 200, Outcome.SUCCESS, 1));
		this.metrics.requestEnded(record("other", "GET", 200, Outcome.SUCCESS, 1));
		this.metrics.requestEnded(record("app", "POST", 200, Outcome.SUCCESS, 1));
		this.metrics.requestEnded(record("app", "GET", 404, Outcome.SUCCESS, 1));
		this.metrics.requestEnded(record("app", "GET", 0, Outcome.CLIENT_GONE, 1));
		this.metrics.requestEnded(record("app", "GET", 200, Outcome.CLIENT_GONE, 1));
		assertThat(this.registry.find("wsgi.requests").timers()).hasSize(6);
		assertThat(this.registry.get("wsgi.requests").tags("status", "0", "outcome", "CLIENT_GONE").timer().count())
			.isOne();
	}

	@Test
	void unknownMethodsShareTheOtherTag() {
		this.metrics.requestEnded(record("app", "PROPFIND", 200, Outcome.SUCCESS, 1));
		this.metrics.requestEnded(record("app", "BREW", 200, Outcome.SUCCESS, 1));
		assertThat(this.registry.get("wsgi.requests").tag("method", "OTHER").timer().count()).isEqualTo(2);
	}

	@Test
	void rebindingToAnotherRegistryRecordsThere() {
		this.metrics.requestEnded(record("app", "GET", 200, Outcome.SUCCESS, 1));
		MeterRegistry other = new SimpleMeterRegistry();
		this.metrics.bindTo(other);
		this.metrics.requestEnded(record("app", "GET", 200, Outcome.SUCCESS, 1));
		assertThat(other.get("wsgi.requests").timer().count()).isOne();
		assertThat(this.registry.get("wsgi.requests").timer().count()).isOne();
	}

	private static WsgiRequestRecord record(String mount, String method, int status, Outcome outcome, long nanos) {
		return new WsgiRequestRecord(mount, method, "/", status, outcome, 0, 0, nanos);
	}

}
