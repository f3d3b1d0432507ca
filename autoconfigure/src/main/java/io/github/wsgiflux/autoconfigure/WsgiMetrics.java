package io.github.wsgiflux.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiRequestObserver;
import io.github.wsgiflux.server.WsgiRequestRecord;
import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of the WSGI gateway:
 * <ul>
 * <li>{@code wsgi.requests} (timer), tagged {@code mount}, {@code method}, {@code status} and {@code outcome}, and
 * {@code route} (the route template, bounded by {@code wsgi.routes.max-templates} per mount) when asked for;</li>
 * <li>{@code wsgi.requests.active} and {@code wsgi.requests.queued} (gauges);</li>
 * <li>{@code wsgi.requests.rejected} (counter, tag {@code reason}: {@code overload} or {@code queue-timeout});</li>
 * <li>{@code wsgi.requests.timeouts} (counter).</li>
 * </ul>
 */
public class WsgiMetrics implements WsgiRequestObserver, MeterBinder {

	/** Methods kept as tag values; any other becomes {@code OTHER}, so clients cannot grow the tag space. */
	private static final String[] METHODS = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
			"OTHER" };

	private static final Outcome[] OUTCOMES = Outcome.values();

	/** Statuses are three digits (or 0 when none was sent): one slot each. */
	private static final int STATUSES = 1000;

	private final BoundedWsgiScheduler scheduler;

	private final boolean routeTag;

	private volatile MeterRegistry registry;

	/**
	 * The {@code wsgi.requests} timer of each tag set, built once and reused, as Reactor Netty's
	 * {@code MicrometerHttpServerMetricsRecorder} does: building and registering a meter per request costs more than
	 * the rest of the gateway. Per mount, one lazily created row of statuses per method and outcome.
	 */
	private volatile Map<String, AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable Timer>>> timers =
			new ConcurrentHashMap<>();

	/** As {@link #timers}, per mount and route, when timers are tagged with the route. */
	private volatile Map<String, Map<String, AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable Timer>>>> routeTimers =
			new ConcurrentHashMap<>();

	/**
	 * Create an instance whose timers have no route tag.
	 * @param scheduler the scheduler whose figures are published
	 * @param registry where requests are recorded
	 */
	public WsgiMetrics(BoundedWsgiScheduler scheduler, MeterRegistry registry) {
		this(scheduler, registry, false);
	}

	/**
	 * Create an instance.
	 * @param scheduler the scheduler whose figures are published
	 * @param registry where requests are recorded
	 * @param routeTag whether timers are tagged with the route template
	 */
	public WsgiMetrics(BoundedWsgiScheduler scheduler, MeterRegistry registry, boolean routeTag) {
		this.scheduler = scheduler;
		this.registry = registry;
		this.routeTag = routeTag;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		this.timers = new ConcurrentHashMap<>();
		this.routeTimers = new ConcurrentHashMap<>();
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
		timer(request).record(request.totalNanos(), TimeUnit.NANOSECONDS);
	}

	private Timer timer(WsgiRequestRecord request) {
		int method = methodIndex(request.method());
		int status = request.status();
		String route = this.routeTag ? request.route() : null;
		if (status < 0 || status >= STATUSES) {
			return register(request.mount(), method, request.outcome(), status, route);
		}
		AtomicReferenceArray<@Nullable AtomicReferenceArray<@Nullable Timer>> rows = (route != null)
				? this.routeTimers.computeIfAbsent(request.mount(), (mount) -> new ConcurrentHashMap<>())
					.computeIfAbsent(route, (key) -> new AtomicReferenceArray<>(OUTCOMES.length * METHODS.length))
				: this.timers.computeIfAbsent(request.mount(),
						(mount) -> new AtomicReferenceArray<>(OUTCOMES.length * METHODS.length));
		int rowIndex = request.outcome().ordinal() * METHODS.length + method;
		AtomicReferenceArray<@Nullable Timer> row = rows.get(rowIndex);
		if (row == null) {
			rows.compareAndSet(rowIndex, null, new AtomicReferenceArray<>(STATUSES));
			row = rows.get(rowIndex);
		}
		Timer timer = row.get(status);
		if (timer == null) {
			// Micrometer returns the registered meter for an existing tag set, so a lost race registers nothing twice.
			timer = register(request.mount(), method, request.outcome(), status, route);
			row.set(status, timer);
		}
		return timer;
	}

	private Timer register(String mount, int method, Outcome outcome, int status, @Nullable String route) {
		Tags tags = Tags.of("mount", mount, "method", METHODS[method], "status", Integer.toString(status), "outcome",
				outcome.name());
		return Timer.builder("wsgi.requests")
			.description("WSGI requests, from arrival to the end of the response")
			.tags((route != null) ? tags.and("route", route) : tags)
			.register(this.registry);
	}

	private static int methodIndex(String method) {
		return switch (method) {
			case "GET" -> 0;
			case "HEAD" -> 1;
			case "POST" -> 2;
			case "PUT" -> 3;
			case "PATCH" -> 4;
			case "DELETE" -> 5;
			case "OPTIONS" -> 6;
			case "TRACE" -> 7;
			default -> 8;
		};
	}

}
