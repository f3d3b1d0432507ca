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
			// Netty's adaptive allocator, when contended, grows its magazine array once and frees the old magazines
			// under their allocation lock (a StampedLock held for a few instructions, never I/O): seen on an event
			// loop in the lifecycle torture test; a known false positive (line/armeria#6344 allows it too).
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
			// The WSGI worker pool's queue: a LinkedBlockingQueue's offer holds its put and take locks for a few
			// instructions (never I/O), as the queues of Reactor's schedulers, which Reactor's integration allows.
			.allowBlockingCallsInside("io.github.wsgiflux.server.WsgiThreadPool$ScalingQueue", "offer")
			.allowBlockingCallsInside("io.github.wsgiflux.server.WsgiThreadPool$ScalingQueue", "force")
			// The WSGI worker pool starts a thread (under the pool's main lock) only when every thread is busy, as
			// Reactor's bounded elastic scheduler starts its threads from the caller.
			.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "addWorker"));
	}

}
