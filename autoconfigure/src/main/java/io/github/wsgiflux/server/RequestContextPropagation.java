package io.github.wsgiflux.server;

import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

import org.springframework.util.ClassUtils;

/**
 * Carries the request's context (the current observation, hence the trace id in the SLF4J MDC, and any other value
 * registered with Micrometer's context-propagation) from the event loop to the worker thread that runs the
 * application, so that legacy code's log lines carry the trace id. A no-op without context-propagation on the class
 * path.
 */
final class RequestContextPropagation {

	private static final boolean PRESENT = ClassUtils.isPresent("io.micrometer.context.ContextSnapshotFactory",
			RequestContextPropagation.class.getClassLoader());

	private RequestContextPropagation() {
	}

	/**
	 * Wrap a task so that it runs with the thread locals of the current thread and the values of the Reactor context.
	 */
	static Runnable wrap(Runnable task, ContextView context) {
		return PRESENT ? Snapshots.wrap(task, context) : task;
	}

	private static final class Snapshots {

		private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

		static Runnable wrap(Runnable task, ContextView context) {
			return FACTORY.captureAll(context).wrap(task);
		}

	}

}
