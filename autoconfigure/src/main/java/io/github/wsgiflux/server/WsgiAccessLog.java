package io.github.wsgiflux.server;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One INFO line per WSGI request on the logger {@code wsgi.access}, in the spirit of Tornado's
 * {@code tornado.access}: method, path, status, body bytes, duration, queue wait, mount and outcome.
 * <pre>
 * GET /entries 200 1532B 3.1ms queued=0.0ms mount=legacyGuestbook outcome=SUCCESS
 * </pre>
 */
public final class WsgiAccessLog implements WsgiRequestObserver {

	static final Log logger = LogFactory.getLog("wsgi.access");

	@Override
	public void requestEnded(WsgiRequestRecord request) {
		if (logger.isInfoEnabled()) {
			logger.info(request.method() + " " + request.path() + " " + request.status() + " " + request.bytes() + "B "
					+ millis(request.totalNanos()) + "ms queued=" + millis(request.queueNanos()) + "ms mount="
					+ request.mount() + " outcome=" + request.outcome());
		}
	}

	private static String millis(long nanos) {
		long tenths = nanos / 100_000;
		return (tenths / 10) + "." + (tenths % 10);
	}

}
