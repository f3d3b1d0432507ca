package io.github.wsgiflux.autoconfigure;

import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Creates the default {@code wsgiScheduler} from {@code wsgi.scheduler.*}: Reactor's bounded elastic scheduler on
 * platform threads, or its thread-per-task variant on virtual threads (Java 21 or later).
 */
final class WsgiSchedulers {

	static final String THREAD_NAME_PREFIX = "wsgi";

	private WsgiSchedulers() {
	}

	static Scheduler create(WsgiProperties.Scheduler properties) {
		// The admission bound in BoundedWsgiScheduler caps the total; this per-thread cap can never be the limit.
		int queuedTaskCap = Math.max(1, properties.getQueueCapacity());
		Scheduler scheduler;
		if (properties.isVirtualThreads()) {
			scheduler = new Schedulers.Factory() {
			}.newThreadPerTaskBoundedElastic(properties.getThreadCap(), queuedTaskCap,
					virtualThreadFactory(THREAD_NAME_PREFIX + "-vt-"));
		}
		else {
			scheduler = Schedulers.newBoundedElastic(properties.getThreadCap(), queuedTaskCap, THREAD_NAME_PREFIX,
					(int) Math.max(1, properties.getKeepAlive().toSeconds()), true);
		}
		scheduler.init();
		return scheduler;
	}

	/**
	 * A factory of virtual threads, found at startup (never per request) so that this module still compiles for
	 * Java 17.
	 */
	static ThreadFactory virtualThreadFactory(String prefix) {
		int feature = Runtime.version().feature();
		if (feature < 21) {
			throw new IllegalStateException("wsgi.scheduler.virtual-threads=true needs Java 21 or later, but this JVM "
					+ "is Java " + feature + ": run on a newer JVM or set wsgi.scheduler.virtual-threads=false");
		}
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> builderType = Class.forName("java.lang.Thread$Builder");
			Method name = builderType.getMethod("name", String.class, long.class);
			builder = name.invoke(builder, prefix, 0L);
			return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create virtual threads on Java " + feature, ex);
		}
	}

}
