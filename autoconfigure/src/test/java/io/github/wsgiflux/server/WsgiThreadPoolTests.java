package io.github.wsgiflux.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link WsgiThreadPool} adds a thread only when every thread is busy, never more than its maximum, and queues the
 * rest in one shared queue.
 */
class WsgiThreadPoolTests {

	private final WsgiThreadPool pool = new WsgiThreadPool(4, 60_000, Executors.defaultThreadFactory());

	@AfterEach
	void shutdown() {
		this.pool.shutdownNow();
	}

	@Test
	void sequentialTasksReuseIdleThreads() throws Exception {
		WsgiThreadPool large = new WsgiThreadPool(64, 60_000, Executors.defaultThreadFactory());
		try {
			for (int i = 1; i <= 200; i++) {
				large.submit(() -> {
				}).get(30, TimeUnit.SECONDS);
				// A task's future completes before its thread counts as idle again: wait for that, so that the next
				// task finds an idle thread however the threads are scheduled.
				long done = i;
				await().pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(1))
					.atMost(Duration.ofSeconds(30))
					.until(() -> large.getCompletedTaskCount() == done);
			}
			// A pool that grows to its maximum regardless (a ThreadPoolExecutor's core size) would have 64.
			assertThat(large.getPoolSize()).isOne();
		}
		finally {
			large.shutdownNow();
		}
	}

	@Test
	void busyThreadsMakeNewOnesUpToTheMaximumThenTasksQueue() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(4);
		Future<?>[] tasks = new Future<?>[6];
		for (int i = 0; i < 6; i++) {
			tasks[i] = this.pool.submit(() -> {
				started.countDown();
				release.await();
				return null;
			});
		}
		assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(this.pool.getPoolSize()).isEqualTo(4);
		assertThat(this.pool.getQueue()).hasSize(2);
		release.countDown();
		for (Future<?> task : tasks) {
			task.get(30, TimeUnit.SECONDS);
		}
		assertThat(this.pool.getQueue()).isEmpty();
	}

	@Test
	void idleThreadsEndAfterTheKeepAlive() throws Exception {
		WsgiThreadPool shortLived = new WsgiThreadPool(2, 50, Executors.defaultThreadFactory());
		try {
			shortLived.submit(() -> {
			}).get(30, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(30)).until(() -> shortLived.getPoolSize() == 0);
		}
		finally {
			shortLived.shutdownNow();
		}
	}

}
