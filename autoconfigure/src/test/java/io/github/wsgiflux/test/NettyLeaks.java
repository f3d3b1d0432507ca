package io.github.wsgiflux.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records Netty's leak reports (tests run with {@code -Dio.netty.leakDetection.level=paranoid}) and fails the test
 * class after which a leak was reported. Installed before any buffer class is loaded.
 */
public final class NettyLeaks implements AfterAllCallback {

	private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

	static void install() {
		ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {

			@Override
			@SuppressWarnings("deprecation")
			public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
					long maxActive) {
				return new ResourceLeakDetector<>(resource, samplingInterval) {

					@Override
					protected void reportTracedLeak(String resourceType, String records) {
						LEAKS.add(resourceType + records);
						super.reportTracedLeak(resourceType, records);
					}

					@Override
					protected void reportUntracedLeak(String resourceType) {
						LEAKS.add(resourceType);
						super.reportUntracedLeak(resourceType);
					}
				};
			}
		});
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(50);
			// Leaks are reported when a tracked buffer is allocated after the leaked one was collected.
			ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(16);
			probe.release();
		}
		assertThat(LEAKS).as("Netty buffer leaks").isEmpty();
	}

}
