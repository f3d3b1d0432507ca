package io.github.wsgiflux.python.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of a Python WSGI application hosted through GraalPy.
 */
@ConfigurationProperties("wsgi.python")
public class WsgiPythonProperties {

	/**
	 * The Python WSGI application to host, as gunicorn takes it: 'module:callable', for example 'hello:app' or
	 * 'mysite.wsgi:application'. Nothing is hosted while unset.
	 */
	private @Nullable String app;

	/**
	 * Folders put in front of sys.path, searched in order: the project folder, and a virtualenv's or the system's
	 * site-packages (Debian: /usr/lib/python3/dist-packages).
	 */
	private List<String> path = new ArrayList<>();

	/**
	 * Where to mount the Python application. When unset it is the (only) WSGI application at
	 * 'wsgi.routing.mount-path'; when set, it is mounted there beside the other WSGI applications.
	 */
	private @Nullable String mountPath;

	/**
	 * How many interpreter contexts to keep, each running one request at a time; default: the number of processors.
	 * Size it like 'wsgi.scheduler.thread-cap': a request that finds every context busy waits for one on its worker.
	 */
	private @Nullable Integer contexts;

	/**
	 * Whether to import the application in every context once the port is open: the first context alone, then the
	 * others in parallel behind it. The application reports ready when every Python application has its first
	 * context (readiness stays REFUSING_TRAFFIC until then). Otherwise each context imports it on its first request.
	 */
	private boolean warmUp = true;

	/**
	 * Whether a request arriving during the warm-up, before any context has imported the application, gets 503 with
	 * Retry-After at once. Otherwise it waits for the first context, holding its connection and worker.
	 */
	private boolean refuseWhileLoading = true;

	/**
	 * Retry-After sent with the 503 of a request that arrives before any context has imported the application.
	 */
	private Duration loadingRetryAfter = Duration.ofSeconds(5);

	/**
	 * A folder for compiled Python modules (__pycache__), so that later starts import faster. Unset: nothing is
	 * written.
	 */
	private @Nullable Path bytecodeCache;

	/**
	 * GraalPy context options, for example 'python.PosixModuleBackend: java'. 'python.IsolateNativeModules' is on by
	 * default (native modules such as termios or sqlite3 in more than one context; needs the 'patchelf' program).
	 */
	private Map<String, String> options = new LinkedHashMap<>();

	/**
	 * Options of the GraalPy engine that every Python application of the context shares (the auto-configured one;
	 * an Engine bean of the user's own is built by the user), for example 'engine.CompilerThreads: 1' (fewer
	 * Truffle compiler threads: less memory while compiling, slower warm-up) or 'engine.Mode: latency'.
	 */
	private Map<String, String> engineOptions = new LinkedHashMap<>();

	public @Nullable String getApp() {
		return this.app;
	}

	public void setApp(@Nullable String app) {
		this.app = app;
	}

	public List<String> getPath() {
		return this.path;
	}

	public void setPath(List<String> path) {
		this.path = path;
	}

	public @Nullable String getMountPath() {
		return this.mountPath;
	}

	public void setMountPath(@Nullable String mountPath) {
		this.mountPath = mountPath;
	}

	public @Nullable Integer getContexts() {
		return this.contexts;
	}

	public void setContexts(@Nullable Integer contexts) {
		this.contexts = contexts;
	}

	public boolean isWarmUp() {
		return this.warmUp;
	}

	public void setWarmUp(boolean warmUp) {
		this.warmUp = warmUp;
	}

	public boolean isRefuseWhileLoading() {
		return this.refuseWhileLoading;
	}

	public void setRefuseWhileLoading(boolean refuseWhileLoading) {
		this.refuseWhileLoading = refuseWhileLoading;
	}

	public Duration getLoadingRetryAfter() {
		return this.loadingRetryAfter;
	}

	public void setLoadingRetryAfter(Duration loadingRetryAfter) {
		this.loadingRetryAfter = loadingRetryAfter;
	}

	public @Nullable Path getBytecodeCache() {
		return this.bytecodeCache;
	}

	public void setBytecodeCache(@Nullable Path bytecodeCache) {
		this.bytecodeCache = bytecodeCache;
	}

	public Map<String, String> getOptions() {
		return this.options;
	}

	public void setOptions(Map<String, String> options) {
		this.options = options;
	}

	public Map<String, String> getEngineOptions() {
		return this.engineOptions;
	}

	public void setEngineOptions(Map<String, String> engineOptions) {
		this.engineOptions = engineOptions;
	}

}
