package io.github.wsgiflux.server;

import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * Tells a mount's {@link WsgiRequestObserver} (metrics, access log) that requests start and how they end, and counts
 * them in the mount's {@link RouteTable}: the one place that builds a {@link WsgiRequestRecord}. Without an observer
 * nothing is built, and counting a known route allocates nothing, so nothing is allocated per request.
 */
final class WsgiRequestRecorder {

	private final String mount;

	private final WsgiRequestObserver observer;

	private final @Nullable RouteTable routes;

	WsgiRequestRecorder(String mount, WsgiRequestObserver observer, @Nullable RouteTable routes) {
		this.mount = mount;
		this.observer = observer;
		this.routes = routes;
	}

	/** A request was accepted and goes to the scheduler. */
	void started(String method, String path) {
		if (this.observer != WsgiRequestObserver.NONE) {
			this.observer.requestStarted(this.mount, method, path);
		}
	}

	/**
	 * A request was refused before a worker was asked for: it starts and ends at once.
	 * @param shadow whether it is a shadow comparison's run, which the route table does not count
	 */
	void refused(String method, String path, int status, boolean shadow) {
		String route = route(method, path, status, 0, shadow);
		if (this.observer != WsgiRequestObserver.NONE) {
			this.observer.requestStarted(this.mount, method, path);
			this.observer.requestEnded(
					new WsgiRequestRecord(this.mount, method, path, status, Outcome.BAD_REQUEST, 0, 0, 0, route));
		}
	}

	/**
	 * A started request ended.
	 * @param status the status sent, or 0 when none was
	 * @param bytes the body bytes the application produced
	 * @param arrivalNanos when the request arrived ({@link System#nanoTime()})
	 * @param startNanos when a worker took it, or 0 when none did
	 * @param shadow whether it is a shadow comparison's run, which the route table does not count
	 */
	void ended(String method, String path, int status, Outcome outcome, long bytes, long arrivalNanos,
			long startNanos, boolean shadow) {
		if (!isObserved()) {
			return;
		}
		long now = System.nanoTime();
		String route = route(method, path, status, now - arrivalNanos, shadow);
		if (this.observer != WsgiRequestObserver.NONE) {
			long queued = ((startNanos != 0) ? startNanos : now) - arrivalNanos;
			this.observer.requestEnded(new WsgiRequestRecord(this.mount, method, path, status, outcome, bytes, queued,
					now - arrivalNanos, route));
		}
	}

	/** Whether anybody observes or routes are counted: a call records its outcome once only when this is true. */
	boolean isObserved() {
		return this.observer != WsgiRequestObserver.NONE || this.routes != null;
	}

	/** The routes counted, if they are. */
	@Nullable RouteTable routes() {
		return this.routes;
	}

	/**
	 * The route template of a request, counted in the table unless it is a shadow run: a shadow of a native-served
	 * route is no legacy traffic (it would keep the route's count climbing and fill the table); its metrics still
	 * count, tagged with the route's template if the table has it, otherwise {@code other}.
	 */
	private @Nullable String route(String method, String path, int status, long nanos, boolean shadow) {
		RouteTable routes = this.routes;
		if (routes == null) {
			return null;
		}
		return (shadow ? routes.peek(method, path) : routes.record(method, path, status, nanos)).getTemplate();
	}

}
