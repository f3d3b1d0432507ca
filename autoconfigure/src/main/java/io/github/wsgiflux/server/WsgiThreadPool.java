package io.github.wsgiflux.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker pool of the default WSGI scheduler: up to {@code maxThreads} platform threads taking requests from one
 * shared FIFO queue. A thread is added only when every thread is busy (as Tomcat's executor does), so a light load
 * runs on a few hot threads instead of waking hundreds in turn; idle threads end after the keep-alive. A request
 * waits for the first free worker, never behind a slow request on a worker of its own.
 * <p>
 * The queue has no bound of its own: {@link BoundedWsgiScheduler} admits at most its queue capacity in front of it.
 */
public final class WsgiThreadPool extends ThreadPoolExecutor {

	private final AtomicInteger submitted = new AtomicInteger();

	/**
	 * Create a pool.
	 * @param maxThreads the most threads
	 * @param keepAliveMillis how long an idle thread lives
	 * @param threadFactory creates the threads
	 */
	public WsgiThreadPool(int maxThreads, long keepAliveMillis, ThreadFactory threadFactory) {
		super(0, maxThreads, keepAliveMillis, TimeUnit.MILLISECONDS, new ScalingQueue(), threadFactory,
				(task, pool) -> ((ScalingQueue) pool.getQueue()).force(task, pool));
		((ScalingQueue) getQueue()).pool = this;
	}

	@Override
	public void execute(Runnable command) {
		this.submitted.incrementAndGet();
		try {
			super.execute(command);
		}
		catch (RejectedExecutionException ex) {
			this.submitted.decrementAndGet();
			throw ex;
		}
	}

	@Override
	protected void afterExecute(Runnable task, Throwable failure) {
		this.submitted.decrementAndGet();
	}

	/**
	 * Queues a task only when a thread is idle (or no thread can be added); otherwise refuses it, which makes the
	 * pool add a thread.
	 */
	private static final class ScalingQueue extends LinkedBlockingQueue<Runnable> {

		private static final long serialVersionUID = 1L;

		private transient WsgiThreadPool pool;

		@Override
		public boolean offer(Runnable task) {
			WsgiThreadPool executor = this.pool;
			int threads = executor.getPoolSize();
			if (executor.submitted.get() <= threads || threads >= executor.getMaximumPoolSize()) {
				return super.offer(task);
			}
			return false;
		}

		/** A thread could not be added after all (the pool grew meanwhile): queue the task anyway. */
		void force(Runnable task, ThreadPoolExecutor executor) {
			if (executor.isShutdown() || !super.offer(task)) {
				throw new RejectedExecutionException("WSGI worker pool is shut down");
			}
		}

	}

}
