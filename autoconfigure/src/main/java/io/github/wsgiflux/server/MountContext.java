package io.github.wsgiflux.server;

import io.github.wsgiflux.spi.WsgiMount;

/**
 * What every request of one mount shares, built once by its {@link WsgiHandlerFunction} and handed to each
 * {@link WsgiCall}, so that a call needs nothing back from the handler.
 * @param mount the application and its path
 * @param scheduler runs the application
 * @param settings limits, timeouts, buffer size
 * @param answers the gateway's own responses and which failure gets which
 * @param recorder tells the observer how requests end
 * @param timed whether a queue or request timeout is set, so that a call starts and stops timers at all
 */
record MountContext(WsgiMount mount, BoundedWsgiScheduler scheduler, WsgiHandlerSettings settings,
		GatewayAnswers answers, WsgiRequestRecorder recorder, boolean timed) {

	MountContext(WsgiMount mount, BoundedWsgiScheduler scheduler, WsgiHandlerSettings settings) {
		this(mount, scheduler, settings, new GatewayAnswers(settings),
				new WsgiRequestRecorder(mount.getName(), settings.observer(),
						(settings.maxRouteTemplates() > 0) ? new RouteTable(settings.maxRouteTemplates()) : null),
				settings.timer() != null && (settings.queueTimeout() != null || settings.requestTimeout() != null));
	}

}
