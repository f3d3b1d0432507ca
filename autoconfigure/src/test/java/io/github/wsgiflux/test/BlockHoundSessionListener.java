package io.github.wsgiflux.test;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs Netty leak recording and BlockHound before any test runs: a blocking call on a Netty event loop or a Reactor non-blocking thread
 * then fails the request that made it, and so the test.
 */
public class BlockHoundSessionListener implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		NettyLeaks.install();
		BlockHound.install((builder) -> builder
			// Spring's SubscriberInputStream hands request buffers to the worker through an ArrayBlockingQueue:
			// the event loop may wait for the queue's lock while the worker polls, a critical section of a few
			// instructions, never I/O. Reactor allows its own queue offers the same way.
			.allowBlockingCallsInside("org.springframework.core.io.buffer.SubscriberInputStream", "onNext")
			// The WSGI worker pool starts a thread (under the pool's main lock) only when every thread is busy, as
			// Reactor's bounded elastic scheduler starts its threads from the caller; queueing itself is lock-free.
			.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "addWorker"));
	}

}
