package io.github.wsgiflux.server;

/**
 * Signalled by a handler {@linkplain WsgiHandlerFunction#onIdleWorkersOnly() on idle workers only} when every worker
 * of the scheduler is taken: the request did not run, nothing was queued and nobody was answered 503.
 */
public class WsgiWorkersBusyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an instance.
	 * @param threadCap the thread cap of the scheduler, all of whose workers were taken
	 */
	public WsgiWorkersBusyException(int threadCap) {
		super("No idle WSGI worker (" + threadCap + " taken)", null, false, false);
	}

}
