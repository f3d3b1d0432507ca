package io.github.wsgiflux.server;

/**
 * Told once the outcome of every WSGI request is known: metrics and the access log implement it. Called on the
 * thread that settled the request (a worker, an event loop or the timeout timer): implementations must be fast and
 * must not block.
 * <p>
 * Every request the gateway takes on is started once and ended once: {@link #requestStarted} when its handling
 * begins (on the event loop), {@link #requestEnded} with its outcome, whatever happens in between.
 */
@FunctionalInterface
public interface WsgiRequestObserver {

	/** An observer that does nothing. */
	WsgiRequestObserver NONE = (request) -> {
	};

	/**
	 * The gateway took on a request: an outcome will follow.
	 * @param mount the name of the mount that serves it
	 * @param method the HTTP method
	 * @param path the raw request path
	 */
	default void requestStarted(String mount, String method, String path) {
	}

	/**
	 * A request ended.
	 * @param request what happened
	 */
	void requestEnded(WsgiRequestRecord request);

	/**
	 * Tell this observer, then the other.
	 * @param other the next observer
	 * @return both
	 */
	default WsgiRequestObserver andThen(WsgiRequestObserver other) {
		if (this == NONE) {
			return other;
		}
		if (other == NONE) {
			return this;
		}
		WsgiRequestObserver first = this;
		return new WsgiRequestObserver() {

			@Override
			public void requestStarted(String mount, String method, String path) {
				first.requestStarted(mount, method, path);
				other.requestStarted(mount, method, path);
			}

			@Override
			public void requestEnded(WsgiRequestRecord request) {
				first.requestEnded(request);
				other.requestEnded(request);
			}

		};
	}

}
