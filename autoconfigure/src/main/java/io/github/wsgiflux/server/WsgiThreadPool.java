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
 * <p>
 * Tasks are submitted from Netty event loops, which must never wait for I/O: the live threads are counted here
 * instead of asking {@link ThreadPoolExecutor#getPoolSize()}, which takes the pool's main lock, and the queue is a
 * {@link LinkedBlockingQueue}, whose {@code offer} holds its put lock for a few instructions (and its take lock as
 * long, to signal a waiting worker), as Reactor's own schedulers' queues do. A {@code LinkedTransferQueue} (lock-free
 * on offer) was tried and halved the requests per second over HTTP/2 on two cores: its waiting workers spin before
 * they park, and took the event loop's CPU. Only starting a new thread takes the pool's main lock, as starting a
 * thread does in any pool.
 */
public final class WsgiThreadPool extends ThreadPoolExecutor {

	private final AtomicInteger submitted = new AtomicInteger();

	/** Threads started and not yet ended. */
	private final AtomicInteger threads;

	/**
	 * Create a pool.
	 * @param maxThreads the most threads
	 * @param keepAliveMillis how long an idle thread lives
	 * @param threadFactory creates the threads
	 */
	public WsgiThreadPool(int maxThreads, long keepAliveMillis, ThreadFactory threadFactory) {
		this(maxThreads, keepAliveMillis, threadFactory, new AtomicInteger());
	}

	private WsgiThreadPool(int maxThreads, long keepAliveMillis, ThreadFactory threadFactory, AtomicInteger threads) {
		super(0, maxThreads, keepAliveMillis, TimeUnit.MILLISECONDS, new ScalingQueue(), counting(threadFactory, threads),
				(task, pool) -> ((ScalingQueue) pool.getQueue()).force(task, pool));
		this.threads = threads;
		((ScalingQueue) getQueue()).pool = this;
	}

	private static ThreadFactory counting(ThreadFactory threadFactory, AtomicInteger threads) {
		return (task) -> {
			Thread thread = threadFactory.newThread(() -> {
				try {
					task.run();
				}
				finally {
					threads.decrementAndGet();
				}
			});
			if (thread != null) {
				threads.incrementAndGet();
			}
			return thread;
		};
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
			int threads = executor.threads.get();
			if (executor.submitted.get() <= threads || threads >= executor.getMaximumPoolSize()) {
				return super.offer(task);
			}
			return false;
		}

		/** A thread could not be added after all (the pool grew meanwhile): queue the task anyway. */
		void force(Runnable task, ThreadPoolExecutor executor) {
			if (executor.isShutdown()) {
				throw new RejectedExecutionException("WSGI worker pool is shut down");
			}
			super.offer(task);
		}

	}

}
