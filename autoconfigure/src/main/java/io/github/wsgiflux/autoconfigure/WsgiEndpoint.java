package io.github.wsgiflux.autoconfigure;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.wsgiflux.migration.CompareRule;
import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.migration.ServedSide;
import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.HandlerMappingChain;
import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.NativeHandlerProbe;
import io.github.wsgiflux.server.RouteTable;
import io.github.wsgiflux.server.WsgiHandlerFunction;
import io.github.wsgiflux.server.WsgiHandlerMapping;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.HandlerMapping;

/**
 * The {@code wsgi} actuator endpoint: the routing precedence (every handler mapping in dispatch order, with what it
 * serves), each WSGI mount, the scheduler's configuration and its live figures. Its sections, at
 * {@code /actuator/wsgi/{section}}:
 * <ul>
 * <li>{@code routes}: what is left to migrate, the legacy traffic of each mount by route, each route marked when a
 * native handler now takes it;</li>
 * <li>{@code legacy-paths}: the rollback switch ({@code wsgi.routing.legacy-paths}); a write operation adds a pattern
 * ({@code action} {@code add}, the default, or {@code remove}), a delete operation removes one.</li>
 * </ul>
 * Read-only unless {@code management.endpoint.wsgi.access=unrestricted}: switching routes at run time is a write
 * operation, allowed as any other actuator write operation is.
 */
@Endpoint(id = "wsgi", defaultAccess = Access.READ_ONLY)
public class WsgiEndpoint {

	/** The section of the legacy traffic by route. */
	public static final String ROUTES = "routes";

	/** The section of the rollback switch. */
	public static final String LEGACY_PATHS = "legacy-paths";

	/** The section of the shadow comparisons. */
	public static final String COMPARISONS = "comparisons";

	private static final Log logger = LogFactory.getLog(WsgiEndpoint.class);

	private static final double NANOS_PER_MILLI = 1_000_000.0;

	private final ApplicationContext context;

	private final WsgiHandlerMapping mapping;

	private final BoundedWsgiScheduler scheduler;

	private final WsgiProperties properties;

	private final LegacyPaths legacyPaths;

	private final @Nullable MigrationComparisons comparisons;

	/**
	 * Create an instance.
	 * @param context the context whose handler mappings make the chain
	 * @param mapping the WSGI mapping
	 * @param scheduler the scheduler
	 * @param properties the configuration
	 * @param legacyPaths the rollback switch
	 */
	public WsgiEndpoint(ApplicationContext context, WsgiHandlerMapping mapping, BoundedWsgiScheduler scheduler,
			WsgiProperties properties, LegacyPaths legacyPaths) {
		this(context, mapping, scheduler, properties, legacyPaths, null);
	}

	/**
	 * Create an instance that also shows the shadow comparisons.
	 * @param context the context whose handler mappings make the chain
	 * @param mapping the WSGI mapping
	 * @param scheduler the scheduler
	 * @param properties the configuration
	 * @param legacyPaths the rollback switch
	 * @param comparisons the results of the shadow comparisons, or {@code null} when no route is compared
	 */
	public WsgiEndpoint(ApplicationContext context, WsgiHandlerMapping mapping, BoundedWsgiScheduler scheduler,
			WsgiProperties properties, LegacyPaths legacyPaths, @Nullable MigrationComparisons comparisons) {
		this.context = context;
		this.mapping = mapping;
		this.scheduler = scheduler;
		this.properties = properties;
		this.legacyPaths = legacyPaths;
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
	 * One section of the endpoint.
	 * @param section {@value #ROUTES}, {@value #LEGACY_PATHS} or {@value #COMPARISONS}
	 * @return the section, or {@code null} (404) for an unknown one
	 */
	@ReadOperation
	public @Nullable Object section(@Selector String section) {
		return switch (section) {
			case ROUTES -> routes();
			case LEGACY_PATHS -> legacyPaths();
			case COMPARISONS -> comparisons();
			default -> null;
		};
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
	 * Add or remove a legacy path: the rollback switch of a migrated route, effective for the next request.
	 * @param section {@value #LEGACY_PATHS}
	 * @param pattern the path pattern
	 * @param action {@code add} (the default) or {@code remove}
	 * @param principal who asks, when Spring Security authenticated them
	 * @return the legacy paths after the change
	 */
	@WriteOperation
	public LegacyPathsDescriptor change(@Selector String section, String pattern, @Nullable String action,
			@Nullable Principal principal) {
		requireLegacyPaths(section);
		if (action == null || action.equals("add")) {
			return add(pattern, principal);
		}
		if (action.equals("remove")) {
			return remove(pattern, principal);
		}
		throw new InvalidEndpointRequestException("Unknown action '" + action + "': add or remove",
				"Unknown action: add or remove");
	}

	/**
	 * Remove a legacy path: the migrated route goes back to its native handler, effective for the next request.
	 * @param section {@value #LEGACY_PATHS}
	 * @param pattern the path pattern, as added
	 * @param principal who asks, when Spring Security authenticated them
	 * @return the legacy paths after the change
	 */
	@DeleteOperation
	public LegacyPathsDescriptor delete(@Selector String section, String pattern, @Nullable Principal principal) {
		requireLegacyPaths(section);
		return remove(pattern, principal);
	}

	/**
	 * The legacy paths.
	 * @return the patterns
	 */
	public LegacyPathsDescriptor legacyPaths() {
		return new LegacyPathsDescriptor(this.legacyPaths.getPatterns());
	}

	/**
	 * The legacy traffic of each mount by route, most requested first, each route marked with the native handler
	 * mapping that takes it now, if any, and the legacy path that sends it back to the WSGI application, if any.
	 * @return the report, once each route was resolved against the native handler mappings
	 */
	public Mono<RoutesDescriptor> routes() {
		String contextPath = this.context.getEnvironment().getProperty("spring.webflux.base-path", "");
		NativeHandlerProbe probe = NativeHandlerProbe.of(this.context.getBeansOfType(HandlerMapping.class),
				this.mapping, contextPath);
		return Flux.fromIterable(this.mapping.getHandlers())
			.concatMap((handler) -> mountRoutes(handler, probe, contextPath))
			.collectList()
			.map((mounts) -> new RoutesDescriptor(this.legacyPaths.getPatterns(), mounts));
	}

	private Mono<MountRoutes> mountRoutes(WsgiHandlerFunction handler, NativeHandlerProbe probe, String contextPath) {
		String path = handler.getMount().getPath().isEmpty() ? "/" : handler.getMount().getPath();
		String name = handler.getMount().getName();
		RouteTable table = handler.getRoutes();
		if (table == null) {
			return Mono.just(new MountRoutes(path, name, 0, List.of(), null));
		}
		List<RouteTable.Route> routes = table.getRoutes()
			.stream()
			.sorted(Comparator.comparingLong(RouteTable.Route::getCount).reversed())
			.toList();
		return Flux.fromIterable(routes)
			.concatMap((route) -> probe.resolve(route.getMethod(), route.getSamplePath())
				.map((nativeHandler) -> row(route, nativeHandler,
						legacyPath(route.getMethod(), route.getSamplePath(), contextPath))))
			.collectList()
			.map((rows) -> new MountRoutes(path, name, table.getMaxTemplates(), rows,
					row(table.getOther(), Optional.empty(), null)));
	}

	/**
	 * What sends the route to the WSGI application even where a native handler exists: a pattern of the rollback
	 * switch, or else a compared route served by legacy ({@code serve: legacy}, the native handler in the shadow).
	 */
	private @Nullable String legacyPath(String method, String rawPath, String contextPath) {
		if (!rawPath.startsWith(contextPath)) {
			return null;
		}
		try {
			PathContainer path = PathContainer.parsePath(rawPath.substring(contextPath.length()));
			String switched = this.legacyPaths.match(path);
			if (switched != null || this.comparisons == null) {
				return switched;
			}
			HttpMethod httpMethod = HttpMethod.valueOf(method);
			for (CompareRule rule : this.comparisons.getRules()) {
				if (rule.getServe() == ServedSide.LEGACY && rule.matches(httpMethod, path)) {
					return rule.getRoute();
				}
			}
			return null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static Route row(RouteTable.Route route, Optional<String> nativeHandler, @Nullable String legacyPath) {
		Map<String, Long> statuses = new LinkedHashMap<>();
		for (int statusClass = 2; statusClass <= 5; statusClass++) {
			statuses.put(statusClass + "xx", route.getStatusCount(statusClass));
		}
		long lastSeen = route.getLastSeen();
		return new Route(route.getMethod(), route.getTemplate(), route.getCount(),
				(lastSeen != 0) ? Instant.ofEpochMilli(lastSeen) : null, statuses,
				route.getPercentileNanos(0.5) / NANOS_PER_MILLI, route.getPercentileNanos(0.99) / NANOS_PER_MILLI,
				nativeHandler.orElse(null), legacyPath, nativeHandler.isPresent() && legacyPath == null);
	}

	private LegacyPathsDescriptor add(String pattern, @Nullable Principal principal) {
		boolean added;
		try {
			added = this.legacyPaths.add(pattern);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Invalid path pattern");
		}
		if (added) {
			logger.info("WSGI legacy path " + pattern.strip() + " added by " + who(principal)
					+ ": its requests go to the WSGI application; legacy paths now " + this.legacyPaths);
		}
		return legacyPaths();
	}

	private LegacyPathsDescriptor remove(String pattern, @Nullable Principal principal) {
		if (this.legacyPaths.remove(pattern)) {
			logger.info("WSGI legacy path " + pattern.strip() + " removed by " + who(principal)
					+ ": its requests go to the native handlers again; legacy paths now " + this.legacyPaths);
		}
		return legacyPaths();
	}

	private static void requireLegacyPaths(String section) {
		if (!LEGACY_PATHS.equals(section)) {
			throw new InvalidEndpointRequestException("Only the " + LEGACY_PATHS + " section can be changed, not '"
					+ section + "'", "Only the " + LEGACY_PATHS + " section can be changed");
		}
	}

	private static String who(@Nullable Principal principal) {
		return (principal != null) ? principal.getName() : "anonymous";
	}

	/**
	 * The legacy paths.
	 * @param patterns the patterns whose requests go to the WSGI application even where a native handler exists
	 */
	public record LegacyPathsDescriptor(List<String> patterns) {
	}

	/**
	 * The legacy traffic by route.
	 * @param legacyPaths the patterns that go to the WSGI application even where a native handler exists
	 * @param mounts each mount's routes
	 */
	public record RoutesDescriptor(List<String> legacyPaths, List<MountRoutes> mounts) {
	}

	/**
	 * The routes of one mount.
	 * @param path the mount path
	 * @param name its name
	 * @param maxTemplates how many routes are counted on their own; 0 when routes are not counted
	 * @param routes the routes counted on their own, most requested first
	 * @param other the requests of every later route, or {@code null} when routes are not counted
	 */
	public record MountRoutes(String path, String name, int maxTemplates, List<Route> routes, @Nullable Route other) {
	}

	/**
	 * One route: a method and a path template, identifiers collapsed to {@code {id}}.
	 * @param method the HTTP method
	 * @param template the path template, context path included
	 * @param count requests
	 * @param lastSeen when the last one ended
	 * @param statuses requests by status class ({@code 2xx} to {@code 5xx}); aborted requests are in none
	 * @param p50Millis the median time, approximate (at most a quarter above the true value)
	 * @param p99Millis the 99th percentile time, approximate (at most a quarter above the true value)
	 * @param nativeHandler the bean name of the native handler mapping that takes this route now, if any
	 * @param legacyPath what sends it to the WSGI application anyway, if anything: the pattern of
	 * {@code wsgi.routing.legacy-paths}, or the compared route served by legacy ({@code wsgi.migration.compare} with
	 * {@code serve: legacy})
	 * @param shadowed whether a native handler takes it now, so that it no longer reaches the WSGI application
	 */
	public record Route(String method, String template, long count, @Nullable Instant lastSeen,
			Map<String, Long> statuses, double p50Millis, double p99Millis, @Nullable String nativeHandler,
			@Nullable String legacyPath, boolean shadowed) {
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
