package io.github.wsgiflux.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.HandlerMappingChain;
import io.github.wsgiflux.server.WsgiHandlerMapping;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.HandlerMapping;

/**
 * The {@code wsgi} actuator endpoint: the routing precedence (every handler mapping in dispatch order, with what it
 * serves), each WSGI mount, the scheduler's configuration and its live figures.
 */
@Endpoint(id = "wsgi")
public class WsgiEndpoint {

	private final ApplicationContext context;

	private final WsgiHandlerMapping mapping;

	private final BoundedWsgiScheduler scheduler;

	private final WsgiProperties properties;

	private final @Nullable MigrationComparisons comparisons;

	/**
	 * Create an instance.
	 * @param context the context whose handler mappings make the chain
	 * @param mapping the WSGI mapping
	 * @param scheduler the scheduler
	 * @param properties the configuration
	 */
	public WsgiEndpoint(ApplicationContext context, WsgiHandlerMapping mapping, BoundedWsgiScheduler scheduler,
			WsgiProperties properties) {
		this(context, mapping, scheduler, properties, null);
	}

	/**
	 * Create an instance that also shows the shadow comparisons.
	 * @param context the context whose handler mappings make the chain
	 * @param mapping the WSGI mapping
	 * @param scheduler the scheduler
	 * @param properties the configuration
	 * @param comparisons the results of the shadow comparisons, or {@code null} when no route is compared
	 */
	public WsgiEndpoint(ApplicationContext context, WsgiHandlerMapping mapping, BoundedWsgiScheduler scheduler,
			WsgiProperties properties, @Nullable MigrationComparisons comparisons) {
		this.context = context;
		this.mapping = mapping;
		this.scheduler = scheduler;
		this.properties = properties;
		this.comparisons = comparisons;
	}

	/**
	 * Describe the gateway.
	 * @return the description
	 */
	@ReadOperation
	public WsgiDescriptor wsgi() {
		List<HandlerMappingChain.Link> chain = HandlerMappingChain.of(this.context.getBeansOfType(HandlerMapping.class))
			.getLinks();
		List<Mount> mounts = this.mapping.getHandlers()
			.stream()
			.map((handler) -> new Mount(handler.getMount().getPath().isEmpty() ? "/" : handler.getMount().getPath(),
					handler.getMount().getName(), handler.getMount().getApplication().getClass().getName()))
			.toList();
		WsgiProperties.Scheduler config = this.properties.getScheduler();
		Scheduler scheduler = new Scheduler(this.scheduler.getScheduler().toString(), this.scheduler.getThreadCap(),
				this.scheduler.getQueueCapacity(), config.determineVirtualThreads(this.context.getEnvironment()),
				config.getKeepAlive(), config.getQueueTimeout(), this.properties.getRequest().getTimeout());
		Live live = new Live(this.scheduler.getActiveCount(), this.scheduler.getQueuedCount(),
				this.scheduler.getRejectedCount(), this.scheduler.getQueueTimedOutCount(),
				this.scheduler.getTimedOutCount(), this.scheduler.getCompletedCount());
		return new WsgiDescriptor(this.properties.getRouting().getPrecedence().name(), this.mapping.getOrder(), mounts,
				chain, scheduler, live);
	}

	/**
	 * One section of the gateway's description, at {@code /actuator/wsgi/{section}}: {@code comparisons}.
	 * @param section the section's name
	 * @return the section, or {@code null} (404) for an unknown one
	 */
	@ReadOperation
	public @Nullable Object comparisonsSection(@Selector String section) {
		return "comparisons".equals(section) ? comparisons() : null;
	}

	/**
	 * The shadow comparisons of {@code wsgi.migration.compare}: each compared route with its counts, and the last
	 * mismatches with their differences, newest first. Empty when no route is compared.
	 * @return the comparisons
	 */
	public MigrationComparisons.Report comparisons() {
		MigrationComparisons comparisons = this.comparisons;
		return (comparisons != null) ? comparisons.report() : new MigrationComparisons.Report(List.of(), List.of());
	}

	/**
	 * What the endpoint shows.
	 * @param precedence the configured precedence
	 * @param order the order of the WSGI handler mapping
	 * @param mounts the WSGI mounts, longest path first
	 * @param chain every handler mapping, in dispatch order
	 * @param scheduler the scheduler's configuration
	 * @param live the scheduler's figures now
	 */
	public record WsgiDescriptor(String precedence, int order, List<Mount> mounts, List<HandlerMappingChain.Link> chain,
			Scheduler scheduler, Live live) {
	}

	/**
	 * One mount.
	 * @param path the mount path
	 * @param name its name
	 * @param application the application's class
	 */
	public record Mount(String path, String name, String application) {
	}

	/**
	 * The scheduler's configuration.
	 * @param type the scheduler
	 * @param threadCap requests running at once, at most
	 * @param queueCapacity requests waiting, at most
	 * @param virtualThreads whether requests run on virtual threads
	 * @param keepAlive how long idle workers are kept
	 * @param queueTimeout the queue timeout, if any
	 * @param requestTimeout the request timeout, if any
	 */
	public record Scheduler(String type, int threadCap, int queueCapacity, boolean virtualThreads, Duration keepAlive,
			@Nullable Duration queueTimeout, @Nullable Duration requestTimeout) {
	}

	/**
	 * Live figures.
	 * @param active running now
	 * @param queued waiting now
	 * @param rejected answered 503 on overload since start
	 * @param queueTimedOut answered 503 after waiting too long since start
	 * @param timedOut ran past the request timeout since start
	 * @param completed run to the end since start
	 */
	public record Live(int active, int queued, long rejected, long queueTimedOut, long timedOut, long completed) {
	}

}
