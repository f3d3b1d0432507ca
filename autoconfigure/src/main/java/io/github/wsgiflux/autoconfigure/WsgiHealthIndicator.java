package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.server.BoundedWsgiScheduler;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code wsgi} health contributor: UP, with the scheduler's figures. A saturated scheduler (its queue full) stays
 * UP with {@code saturated: true}: the 503s it sends already shed the excess load, and taking the instance out of a
 * load balancer on a burst would push the whole load onto the others and spread the saturation.
 */
public class WsgiHealthIndicator implements HealthIndicator {

	private final BoundedWsgiScheduler scheduler;

	/**
	 * Create an instance.
	 * @param scheduler the scheduler to report on
	 */
	public WsgiHealthIndicator(BoundedWsgiScheduler scheduler) {
		this.scheduler = scheduler;
	}

	@Override
	public Health health() {
		int queued = this.scheduler.getQueuedCount();
		int active = this.scheduler.getActiveCount();
		return Health.up()
			.withDetail("active", active)
			.withDetail("queued", queued)
			.withDetail("threadCap", this.scheduler.getThreadCap())
			.withDetail("queueCapacity", this.scheduler.getQueueCapacity())
			.withDetail("saturated", active >= this.scheduler.getThreadCap()
					&& queued >= this.scheduler.getQueueCapacity())
			.build();
	}

}
