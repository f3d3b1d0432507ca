package io.github.wsgiflux.autoconfigure;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.wsgiflux.server.WsgiThreadPool;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Creates the default {@code wsgiScheduler} from {@code wsgi.scheduler.*}: a pool of platform threads with one shared
 * queue, or Reactor's thread-per-task bounded elastic scheduler on virtual threads (Java 21 or later), chosen by
 * {@link WsgiProperties.Scheduler#determineVirtualThreads}.
 */
final class WsgiSchedulers {

	static final String THREAD_NAME_PREFIX = "wsgi";

	private WsgiSchedulers() {
	}

	static Scheduler create(WsgiProperties.Scheduler properties, boolean virtualThreads) {
		Scheduler scheduler;
		if (virtualThreads) {
			// BoundedWsgiScheduler's admission caps the total; Reactor's own per-thread cap would only add a check
			// that locks the queue on every submit.
			int queuedTaskCap = Integer.MAX_VALUE;
			scheduler = new Schedulers.Factory() {
			}.newThreadPerTaskBoundedElastic(properties.getThreadCap(), queuedTaskCap,
					virtualThreadFactory(THREAD_NAME_PREFIX + "-vt-"));
		}
		else {
			scheduler = Schedulers.fromExecutorService(threadPool(properties), THREAD_NAME_PREFIX);
		}
		scheduler.init();
		return scheduler;
	}

	/**
	 * Platform threads: a {@link WsgiThreadPool} with one shared queue, adding threads only when all are busy.
	 * Reactor's bounded elastic scheduler was measured slower here: it copies its array of busy workers on every
	 * pick and release (a third of the event loops' time at tens of thousands of short requests per second), and a
	 * queued request waits on one worker's own queue, behind whatever that worker runs.
	 */
	static ExecutorService threadPool(WsgiProperties.Scheduler properties) {
		AtomicInteger count = new AtomicInteger();
		ThreadFactory threads = (task) -> {
			Thread thread = new Thread(task, THREAD_NAME_PREFIX + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
		return new WsgiThreadPool(properties.getThreadCap(), Math.max(1, properties.getKeepAlive().toMillis()),
				threads);
	}

	/**
	 * A factory of virtual threads named {@code prefix} and a number. Spring's {@link VirtualThreadTaskExecutor}
	 * is a multi-release class, so this module still compiles for Java 17; on Java 17 it would fail with a generic
	 * message, so check first and name the setting.
	 */
	static ThreadFactory virtualThreadFactory(String prefix) {
		int feature = Runtime.version().feature();
		if (feature < 21) {
			throw new IllegalStateException("wsgi.scheduler.virtual-threads=true needs Java 21 or later, but this JVM "
					+ "is Java " + feature + ": run on a newer JVM or set wsgi.scheduler.virtual-threads=false");
		}
		return new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory();
	}

}
