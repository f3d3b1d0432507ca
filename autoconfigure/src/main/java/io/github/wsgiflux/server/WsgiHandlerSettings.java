package io.github.wsgiflux.server;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * How a {@link WsgiHandlerFunction} treats requests: buffer size, limits, timeouts and who observes the outcome.
 * @param bufferSize the largest response buffer handed to the server, in bytes
 * @param retryAfter the {@code Retry-After} of a 503 on overload
 * @param requestTimeout how long the application may run before the request gets 504 and its worker is interrupted;
 * {@code null} for no limit
 * @param queueTimeout how long a request may wait for a worker before it gets 503; {@code null} for no limit
 * @param maxBodySize the largest request body accepted, in bytes; -1 for no limit
 * @param timer the scheduler that fires timeouts; required when a timeout is set
 * @param observer told the outcome of every request
 * @param includeErrorDetails whether a 500 body names the exception and its message (for debugging only)
 * @param maxRouteTemplates how many routes the {@link RouteTable} of each mount counts on their own; 0 counts none
 */
public record WsgiHandlerSettings(int bufferSize, Duration retryAfter, @Nullable Duration requestTimeout,
		@Nullable Duration queueTimeout, long maxBodySize, @Nullable Scheduler timer, WsgiRequestObserver observer,
		boolean includeErrorDetails, int maxRouteTemplates) {

	/**
	 * Settings that count no routes.
	 * @param bufferSize the largest response buffer handed to the server, in bytes
	 * @param retryAfter the {@code Retry-After} of a 503 on overload
	 * @param requestTimeout how long the application may run before the request gets 504; {@code null} for no limit
	 * @param queueTimeout how long a request may wait for a worker before it gets 503; {@code null} for no limit
	 * @param maxBodySize the largest request body accepted, in bytes; -1 for no limit
	 * @param timer the scheduler that fires timeouts; required when a timeout is set
	 * @param observer told the outcome of every request
	 * @param includeErrorDetails whether a 500 body names the exception and its message (for debugging only)
	 */
	public WsgiHandlerSettings(int bufferSize, Duration retryAfter, @Nullable Duration requestTimeout,
			@Nullable Duration queueTimeout, long maxBodySize, @Nullable Scheduler timer, WsgiRequestObserver observer,
			boolean includeErrorDetails) {
		this(bufferSize, retryAfter, requestTimeout, queueTimeout, maxBodySize, timer, observer, includeErrorDetails,
				0);
	}

	/**
	 * Validate the settings.
	 */
	public WsgiHandlerSettings {
		if (bufferSize < 1) {
			throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
		}
		Objects.requireNonNull(retryAfter, "retryAfter");
		Objects.requireNonNull(observer, "observer");
		if (maxRouteTemplates < 0) {
			throw new IllegalArgumentException("maxRouteTemplates must be >= 0, was " + maxRouteTemplates);
		}
		if ((requestTimeout != null || queueTimeout != null) && timer == null) {
			throw new IllegalArgumentException("A timer is required when a timeout is set");
		}
	}

	/**
	 * Settings without limits: 16 KiB buffers, {@code Retry-After: 1}, no timeouts, no body limit, no observer, no
	 * error details in responses, no routes counted.
	 * @return the settings
	 */
	public static WsgiHandlerSettings defaults() {
		return new WsgiHandlerSettings(16 * 1024, Duration.ofSeconds(1), null, null, -1, null,
				WsgiRequestObserver.NONE, false);
	}

}
