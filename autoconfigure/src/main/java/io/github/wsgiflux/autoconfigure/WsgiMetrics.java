package io.github.wsgiflux.autoconfigure;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiRequestObserver;
import io.github.wsgiflux.server.WsgiRequestRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer metrics of the WSGI gateway:
 * <ul>
 * <li>{@code wsgi.requests} (timer), tagged {@code mount}, {@code method}, {@code status} and {@code outcome};</li>
 * <li>{@code wsgi.requests.active} and {@code wsgi.requests.queued} (gauges);</li>
 * <li>{@code wsgi.requests.rejected} (counter, tag {@code reason}: {@code overload} or {@code queue-timeout});</li>
 * <li>{@code wsgi.requests.timeouts} (counter).</li>
 * </ul>
 */
public class WsgiMetrics implements WsgiRequestObserver, MeterBinder {

	/** Methods kept as tag values; any other becomes {@code OTHER}, so clients cannot grow the tag space. */
	private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS", "TRACE");

	private final BoundedWsgiScheduler scheduler;

	private volatile MeterRegistry registry;

	/**
	 * Create an instance.
	 * @param scheduler the scheduler whose figures are published
	 * @param registry where requests are recorded
	 */
	public WsgiMetrics(BoundedWsgiScheduler scheduler, MeterRegistry registry) {
		this.scheduler = scheduler;
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("wsgi.requests.active", this.scheduler, BoundedWsgiScheduler::getActiveCount)
			.description("WSGI requests running on a worker")
			.register(registry);
		Gauge.builder("wsgi.requests.queued", this.scheduler, BoundedWsgiScheduler::getQueuedCount)
			.description("WSGI requests admitted and waiting for a worker")
			.register(registry);
		FunctionCounter.builder("wsgi.requests.rejected", this.scheduler, BoundedWsgiScheduler::getRejectedCount)
			.tag("reason", "overload")
			.description("WSGI requests answered 503")
			.register(registry);
		FunctionCounter.builder("wsgi.requests.rejected", this.scheduler, BoundedWsgiScheduler::getQueueTimedOutCount)
			.tag("reason", "queue-timeout")
			.description("WSGI requests answered 503")
			.register(registry);
		FunctionCounter.builder("wsgi.requests.timeouts", this.scheduler, BoundedWsgiScheduler::getTimedOutCount)
			.description("WSGI requests that ran past wsgi.request.timeout")
			.register(registry);
	}

	@Override
	public void requestEnded(WsgiRequestRecord request) {
		String method = KNOWN_METHODS.contains(request.method()) ? request.method() : "OTHER";
		Timer.builder("wsgi.requests")
			.description("WSGI requests, from arrival to the end of the response")
			.tags(Tags.of("mount", request.mount(), "method", method, "status", Integer.toString(request.status()),
					"outcome", request.outcome().name()))
			.register(this.registry)
			.record(request.totalNanos(), TimeUnit.NANOSECONDS);
	}

}
