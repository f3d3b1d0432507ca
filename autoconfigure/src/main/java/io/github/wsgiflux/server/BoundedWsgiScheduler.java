package io.github.wsgiflux.server;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import reactor.core.scheduler.Scheduler;

/**
 * Admission control in front of the Reactor {@link Scheduler} that runs WSGI applications: at most
 * {@code threadCap} requests run and at most {@code queueCapacity} wait, in total. Reactor's bounded elastic
 * scheduler counts its queue per thread; this class gives the single bound users reason about, and rejects at once
 * (so the request gets 503) instead of queueing without bound.
 */
public final class BoundedWsgiScheduler {

	private final Scheduler scheduler;

	private final int threadCap;

	private final int queueCapacity;

	private final int limit;

	private final AtomicInteger admitted = new AtomicInteger();

	private final AtomicInteger active = new AtomicInteger();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder completed = new LongAdder();

	private final LongAdder timedOut = new LongAdder();

	private final LongAdder queueTimedOut = new LongAdder();

	/**
	 * Create an instance.
	 * @param scheduler the scheduler whose workers run the applications
	 * @param threadCap how many requests may run at once
	 * @param queueCapacity how many admitted requests may wait for a worker
	 */
	public BoundedWsgiScheduler(Scheduler scheduler, int threadCap, int queueCapacity) {
		if (threadCap < 1) {
			throw new IllegalArgumentException("threadCap must be >= 1, was " + threadCap);
		}
		if (queueCapacity < 0) {
			throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
		}
		this.scheduler = scheduler;
		this.threadCap = threadCap;
		this.queueCapacity = queueCapacity;
		this.limit = threadCap + queueCapacity;
	}

	/**
	 * Run a task on a worker, unless the scheduler is full.
	 * @param task the task
	 * @return whether the task was admitted; {@code false} means overload (or shutdown)
	 */
	public boolean trySchedule(Runnable task) {
		if (this.admitted.incrementAndGet() > this.limit) {
			this.admitted.decrementAndGet();
			this.rejected.increment();
			return false;
		}
		return submit(task);
	}

	/**
	 * Reserve a worker for a task that must never wait in the queue nor displace a request: only while fewer tasks
	 * than the thread cap are admitted. A refusal is not counted as a rejection: nobody was answered 503. A
	 * reservation must be followed by {@link #scheduleReserved}.
	 * @return whether a worker was reserved
	 */
	public boolean tryReserveIdleWorker() {
		while (true) {
			int current = this.admitted.get();
			if (current >= this.threadCap) {
				return false;
			}
			if (this.admitted.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	/**
	 * Run a task on the worker {@linkplain #tryReserveIdleWorker() reserved} for it.
	 * @param task the task
	 * @return whether the task was scheduled; {@code false} only when the scheduler is shut down
	 */
	public boolean scheduleReserved(Runnable task) {
		return submit(task);
	}

	private boolean submit(Runnable task) {
		try {
			this.scheduler.schedule(() -> run(task));
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.admitted.decrementAndGet();
			this.rejected.increment();
			return false;
		}
	}

	private void run(Runnable task) {
		this.active.incrementAndGet();
		try {
			task.run();
		}
		finally {
			this.active.decrementAndGet();
			this.admitted.decrementAndGet();
			this.completed.increment();
		}
	}

	/**
	 * The scheduler that runs the applications.
	 * @return the scheduler
	 */
	public Scheduler getScheduler() {
		return this.scheduler;
	}

	/**
	 * How many requests may run at once.
	 * @return the thread cap
	 */
	public int getThreadCap() {
		return this.threadCap;
	}

	/**
	 * How many admitted requests may wait, in total.
	 * @return the queue capacity
	 */
	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	/**
	 * Requests running now.
	 * @return the count
	 */
	public int getActiveCount() {
		return this.active.get();
	}

	/**
	 * Requests admitted and waiting for a worker now.
	 * @return the count
	 */
	public int getQueuedCount() {
		return Math.max(0, this.admitted.get() - this.active.get());
	}

	/**
	 * Requests turned away since start.
	 * @return the count
	 */
	public long getRejectedCount() {
		return this.rejected.sum();
	}

	/**
	 * Requests run to the end since start.
	 * @return the count
	 */
	public long getCompletedCount() {
		return this.completed.sum();
	}

	/**
	 * Requests that ran past their timeout since start (answered 504 or aborted).
	 * @return the count
	 */
	public long getTimedOutCount() {
		return this.timedOut.sum();
	}

	/**
	 * Requests that waited past the queue timeout since start (answered 503).
	 * @return the count
	 */
	public long getQueueTimedOutCount() {
		return this.queueTimedOut.sum();
	}

	void recordTimeout() {
		this.timedOut.increment();
	}

	void recordQueueTimeout() {
		this.queueTimedOut.increment();
	}

}
