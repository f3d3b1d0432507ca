package io.github.wsgiflux.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Proves the guard is on: the other tests would not notice a blocked event loop otherwise.
 */
class BlockHoundInstalledTests {

	@Test
	void blockingOnANonBlockingThreadFails() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> Mono.delay(Duration.ofMillis(1))
				.publishOn(Schedulers.parallel())
				.doOnNext((tick) -> {
					try {
						Thread.sleep(10);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				})
				.block(Duration.ofSeconds(5)))
			.havingRootCause()
			.isInstanceOf(BlockingOperationError.class);
	}

}
