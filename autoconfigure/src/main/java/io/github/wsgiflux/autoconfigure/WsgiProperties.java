package io.github.wsgiflux.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.wsgiflux.migration.ServedSide;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the WSGI gateway.
 */
@ConfigurationProperties("wsgi")
public class WsgiProperties {

	/**
	 * Whether to serve the WSGI application beans.
	 */
	private boolean enabled = true;

	private final Routing routing = new Routing();

	private final Scheduler scheduler = new Scheduler();

	private final Response response = new Response();

	private final Request request = new Request();

	private final AccessLog accessLog = new AccessLog();

	private final Routes routes = new Routes();

	private final Metrics metrics = new Metrics();

	private final Migration migration = new Migration();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Routing getRouting() {
		return this.routing;
	}

	public Scheduler getScheduler() {
		return this.scheduler;
	}

	public Response getResponse() {
		return this.response;
	}

	public Request getRequest() {
		return this.request;
	}

	public AccessLog getAccessLog() {
		return this.accessLog;
	}

	public Routes getRoutes() {
		return this.routes;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Migration getMigration() {
		return this.migration;
	}

	/**
	 * Where the WSGI application sits among the native handlers.
	 */
	public static class Routing {

		/**
		 * Path under which the WsgiApplication bean that no WsgiMount bean mounts is served (at most one may be
		 * left); it becomes SCRIPT_NAME.
		 */
		private String mountPath = "/";

		/**
		 * Whether native handlers (router functions, controllers, static resources) are consulted before or after
		 * the WSGI mounts.
		 */
		private Precedence precedence = Precedence.AFTER_NATIVE;

		/**
		 * Explicit order of the WSGI handler mapping, overriding the one implied by the precedence.
		 */
		private @Nullable Integer order;

		/**
		 * Path patterns (PathPattern syntax, matched against the path within the application) whose requests go to
		 * the WSGI application even where a native handler exists: the rollback switch of a migrated route. The
		 * 'wsgi' actuator endpoint adds and removes patterns at run time.
		 */
		private List<String> legacyPaths = new ArrayList<>();

		public List<String> getLegacyPaths() {
			return this.legacyPaths;
		}

		public void setLegacyPaths(List<String> legacyPaths) {
			this.legacyPaths = legacyPaths;
		}

		public String getMountPath() {
			return this.mountPath;
		}

		public void setMountPath(String mountPath) {
			this.mountPath = mountPath;
		}

		public Precedence getPrecedence() {
			return this.precedence;
		}

		public void setPrecedence(Precedence precedence) {
			this.precedence = precedence;
		}

		public @Nullable Integer getOrder() {
			return this.order;
		}

		public void setOrder(@Nullable Integer order) {
			this.order = order;
		}

	}

	/**
	 * Where the WSGI mounts stand relative to the native handler mappings.
	 */
	public enum Precedence {

		/**
		 * After router functions, controllers and the welcome page, before static resources (which are still served
		 * when they exist): the WSGI application gets what nothing native handles.
		 */
		AFTER_NATIVE,

		/**
		 * Before router functions and controllers (still after actuator endpoints): the WSGI application gets its
		 * whole mount path.
		 */
		BEFORE_NATIVE

	}

	/**
	 * The bounded scheduler that runs the applications.
	 */
	public static class Scheduler {

		/**
		 * Maximum number of requests running at once; each holds a worker thread. The default is Tomcat's default
		 * maximum of threads, the concurrency blocking code had on a servlet container.
		 */
		private int threadCap = 200;

		/**
		 * Maximum number of admitted requests waiting for a worker, in total; past it, requests get 503 at once.
		 */
		private int queueCapacity = 100;

		/**
		 * How long an idle worker thread is kept.
		 */
		private Duration keepAlive = Duration.ofSeconds(60);

		/**
		 * Whether to run each request on a new virtual thread (Java 21 or later) instead of a pooled platform thread;
		 * the thread cap still bounds how many run at once. Unset, follows spring.threads.virtual.enabled.
		 */
		private @Nullable Boolean virtualThreads;

		/**
		 * Retry-After sent with a 503 when the scheduler is full.
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		/**
		 * How long an admitted request may wait for a worker before it gets 503. Unset for no limit.
		 */
		private @Nullable Duration queueTimeout;

		public int getThreadCap() {
			return this.threadCap;
		}

		public void setThreadCap(int threadCap) {
			this.threadCap = threadCap;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getKeepAlive() {
			return this.keepAlive;
		}

		public void setKeepAlive(Duration keepAlive) {
			this.keepAlive = keepAlive;
		}

		public @Nullable Boolean getVirtualThreads() {
			return this.virtualThreads;
		}

		public void setVirtualThreads(@Nullable Boolean virtualThreads) {
			this.virtualThreads = virtualThreads;
		}

		/**
		 * Whether requests run on virtual threads: {@link #getVirtualThreads() virtual-threads} when set, otherwise
		 * whether Spring Boot's threading is {@link Threading#VIRTUAL} ({@code spring.threads.virtual.enabled} on Java
		 * 21 or later), as for Boot's own executors.
		 * @param environment the environment to read {@code spring.threads.virtual.enabled} from
		 * @return whether to use virtual threads
		 */
		public boolean determineVirtualThreads(Environment environment) {
			return (this.virtualThreads != null) ? this.virtualThreads : Threading.VIRTUAL.isActive(environment);
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public @Nullable Duration getQueueTimeout() {
			return this.queueTimeout;
		}

		public void setQueueTimeout(@Nullable Duration queueTimeout) {
			this.queueTimeout = queueTimeout;
		}

	}

	/**
	 * How response bodies are streamed.
	 */
	public static class Response {

		/**
		 * Largest buffer handed to the server per write; larger chunks are split. Together with the server's demand
		 * it bounds the memory a streaming response holds.
		 */
		private DataSize bufferSize = DataSize.ofKilobytes(16);

		/**
		 * Whether a 500 answer names the exception's class and message, for debugging only: the default sends a
		 * generic body and keeps the details in the log.
		 */
		private boolean includeErrorDetails;

		/**
		 * Whether flushes on a connection are consolidated (Netty's FlushConsolidationHandler): responses that WSGI
		 * workers hand over between two reads leave in one write to the socket per event-loop turn instead of one
		 * each. Applies to every handler of the server; a response may leave up to one event-loop turn later.
		 */
		private boolean consolidateFlushes = true;

		public boolean isConsolidateFlushes() {
			return this.consolidateFlushes;
		}

		public void setConsolidateFlushes(boolean consolidateFlushes) {
			this.consolidateFlushes = consolidateFlushes;
		}

		public boolean isIncludeErrorDetails() {
			return this.includeErrorDetails;
		}

		public void setIncludeErrorDetails(boolean includeErrorDetails) {
			this.includeErrorDetails = includeErrorDetails;
		}

		public DataSize getBufferSize() {
			return this.bufferSize;
		}

		public void setBufferSize(DataSize bufferSize) {
			this.bufferSize = bufferSize;
		}

	}

	/**
	 * Limits on each request.
	 */
	public static class Request {

		/**
		 * How long the application may run on one request; past it the request gets 504 (or its connection is
		 * aborted if the response started) and the worker thread is interrupted. Unset for no limit, as long
		 * streaming responses need.
		 */
		private @Nullable Duration timeout;

		/**
		 * Largest request body accepted: a larger declared Content-Length gets 413 before the application runs, a
		 * chunked body that grows past it fails the read. Unset for no limit (bodies are streamed, never buffered).
		 */
		private @Nullable DataSize maxBodySize;

		/**
		 * Most header lines a request may have, as Tomcat's maxHeaderCount and gunicorn's limit_request_fields; more
		 * get 431 before the application runs. -1 for no limit (the server's limit on the header size still holds).
		 */
		private int maxHeaderCount = 100;

		public int getMaxHeaderCount() {
			return this.maxHeaderCount;
		}

		public void setMaxHeaderCount(int maxHeaderCount) {
			this.maxHeaderCount = maxHeaderCount;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(@Nullable DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

	}

	/**
	 * The access log.
	 */
	public static class AccessLog {

		/**
		 * Whether to log one line per WSGI request on the logger 'wsgi.access'.
		 */
		private boolean enabled;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * The legacy traffic by route, shown by the 'wsgi' actuator endpoint.
	 */
	public static class Routes {

		/**
		 * Number of routes (method and path template) counted on their own per mount; later ones are counted as
		 * 'other'. 0 counts none.
		 */
		private int maxTemplates = 500;

		public int getMaxTemplates() {
			return this.maxTemplates;
		}

		public void setMaxTemplates(int maxTemplates) {
			this.maxTemplates = maxTemplates;
		}

	}

	/**
	 * Metrics of the WSGI requests.
	 */
	public static class Metrics {

		/**
		 * Whether to tag 'wsgi.requests' with the route template (bounded by wsgi.routes.max-templates per mount).
		 */
		private boolean routeTag;

		public boolean isRouteTag() {
			return this.routeTag;
		}

		public void setRouteTag(boolean routeTag) {
			this.routeTag = routeTag;
		}

	}

	/**
	 * Route-by-route migration: shadow comparison of legacy and native routes.
	 */
	public static class Migration {

		/**
		 * Routes compared before or after switching them, Scientist-style: for a sampled request both the legacy
		 * application and the native handlers run, one answers the client, the other runs in the shadow and their
		 * answers are compared. Each entry: path (a PathPattern), methods, sample-rate, serve, headers, ignore,
		 * max-body-size, normalizer. Nothing is installed while the list is empty.
		 */
		private List<Compare> compare = new ArrayList<>();

		/**
		 * How many of the last mismatches (and errors) are kept, with their differences, for the actuator endpoint.
		 */
		private int mismatchesKept = 50;

		/**
		 * Shortest interval between two WARN lines about the mismatches (or the errors) of one compared route.
		 */
		private Duration warnInterval = Duration.ofMinutes(1);

		/**
		 * How long the shadow side may take; past it, its comparison counts as an error.
		 */
		private Duration shadowTimeout = Duration.ofSeconds(30);

		public List<Compare> getCompare() {
			return this.compare;
		}

		public void setCompare(List<Compare> compare) {
			this.compare = compare;
		}

		public int getMismatchesKept() {
			return this.mismatchesKept;
		}

		public void setMismatchesKept(int mismatchesKept) {
			this.mismatchesKept = mismatchesKept;
		}

		public Duration getWarnInterval() {
			return this.warnInterval;
		}

		public void setWarnInterval(Duration warnInterval) {
			this.warnInterval = warnInterval;
		}

		public Duration getShadowTimeout() {
			return this.shadowTimeout;
		}

		public void setShadowTimeout(Duration shadowTimeout) {
			this.shadowTimeout = shadowTimeout;
		}

	}

	/**
	 * One compared route.
	 */
	public static class Compare {

		/**
		 * Path pattern of the compared requests (Spring PathPattern syntax, such as /stats or /api/**); also the
		 * route tag of the comparison counter.
		 */
		private @Nullable String path;

		/**
		 * Methods compared. Only methods without side effects by default: both sides run each compared request.
		 */
		private Set<String> methods = new LinkedHashSet<>(List.of("GET", "HEAD"));

		/**
		 * Share of the matching requests that are compared, from 0 (none) to 1 (all).
		 */
		private double sampleRate = 1.0;

		/**
		 * Which side answers the client: legacy while the native route is a candidate (even where a native handler
		 * exists), native once switched, with the legacy application kept as control.
		 */
		private ServedSide serve = ServedSide.LEGACY;

		/**
		 * Response headers compared besides the status and Content-Type.
		 */
		private List<String> headers = new ArrayList<>();

		/**
		 * JSON pointers (RFC 6901) left out of the comparison of JSON bodies, with everything below them, such as
		 * /generatedAt.
		 */
		private List<String> ignore = new ArrayList<>();

		/**
		 * Most body bytes captured per side (and request body bytes buffered for replay); larger bodies are compared
		 * by length and SHA-256.
		 */
		private DataSize maxBodySize = DataSize.ofMegabytes(1);

		/**
		 * Name of a BodyNormalizer bean that rewrites non-JSON bodies before they are compared byte for byte.
		 */
		private @Nullable String normalizer;

		public @Nullable String getPath() {
			return this.path;
		}

		public void setPath(@Nullable String path) {
			this.path = path;
		}

		public Set<String> getMethods() {
			return this.methods;
		}

		public void setMethods(Set<String> methods) {
			this.methods = methods;
		}

		public double getSampleRate() {
			return this.sampleRate;
		}

		public void setSampleRate(double sampleRate) {
			this.sampleRate = sampleRate;
		}

		public ServedSide getServe() {
			return this.serve;
		}

		public void setServe(ServedSide serve) {
			this.serve = serve;
		}

		public List<String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(List<String> headers) {
			this.headers = headers;
		}

		public List<String> getIgnore() {
			return this.ignore;
		}

		public void setIgnore(List<String> ignore) {
			this.ignore = ignore;
		}

		public DataSize getMaxBodySize() {
			return this.maxBodySize;
		}

		public void setMaxBodySize(DataSize maxBodySize) {
			this.maxBodySize = maxBodySize;
		}

		public @Nullable String getNormalizer() {
			return this.normalizer;
		}

		public void setNormalizer(@Nullable String normalizer) {
			this.normalizer = normalizer;
		}

	}

}
