package io.github.wsgiflux.server;

/**
 * Told once the outcome of every WSGI request is known: metrics and the access log implement it. Called on the
 * thread that settled the request (a worker, an event loop or the timeout timer): implementations must be fast and
 * must not block.
 */
@FunctionalInterface
public interface WsgiRequestObserver {

	/** An observer that does nothing. */
	WsgiRequestObserver NONE = (request) -> {
	};

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
		return (request) -> {
			requestEnded(request);
			other.requestEnded(request);
		};
	}

}
