package io.github.wsgiflux.server;

import reactor.core.scheduler.Scheduler;

/**
 * Decorates the scheduler that runs WSGI applications, for example to time it
 * ({@code Micrometer.timedScheduler}). Applied in order to the {@code wsgiScheduler} bean.
 */
@FunctionalInterface
public interface WsgiSchedulerCustomizer {

	/**
	 * Decorate the scheduler.
	 * @param scheduler the scheduler so far
	 * @return the scheduler to use
	 */
	Scheduler customize(Scheduler scheduler);

}
