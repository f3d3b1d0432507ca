package io.github.wsgiflux.architecture;

import org.junit.jupiter.api.Test;

import static io.github.wsgiflux.architecture.LayerRule.AUTOCONFIGURE;
import static io.github.wsgiflux.architecture.LayerRule.COMMONS_LOGGING;
import static io.github.wsgiflux.architecture.LayerRule.JDK;
import static io.github.wsgiflux.architecture.LayerRule.JSPECIFY;
import static io.github.wsgiflux.architecture.LayerRule.JACKSON;
import static io.github.wsgiflux.architecture.LayerRule.MICROMETER;
import static io.github.wsgiflux.architecture.LayerRule.MIGRATION;
import static io.github.wsgiflux.architecture.LayerRule.NETTY;
import static io.github.wsgiflux.architecture.LayerRule.REACTIVE_STREAMS;
import static io.github.wsgiflux.architecture.LayerRule.REACTOR;
import static io.github.wsgiflux.architecture.LayerRule.SERVER;
import static io.github.wsgiflux.architecture.LayerRule.SPI;
import static io.github.wsgiflux.architecture.LayerRule.SPRING;
import static io.github.wsgiflux.architecture.LayerRule.SPRING_BOOT;
import static io.github.wsgiflux.architecture.LayerRule.VALIDATE;

/**
 * The layering of {@code wsgiflux-spi} and {@code wsgiflux-spring-boot}, imports pointing one way:
 * {@code autoconfigure -> server -> spi}, {@code validate -> spi}. The Python module checks its own rule where it is
 * built ({@code PythonLayeringTests}); a future module (such as {@code wsgiflux-test}) adds one test like these.
 */
class LayeringTests {

	/** Checked here, where the artifact is used; its pom also gives it nothing but JSpecify to compile against. */
	@Test
	void spiDependsOnTheJdkAndJSpecifyOnly() {
		LayerRule.of(SPI).mayDependOn(JDK, JSPECIFY).check();
	}

	@Test
	void serverDependsOnSpiSpringFrameworkReactorAndNettyButNeverOnSpringBoot() {
		LayerRule.of(SERVER)
			.mayDependOn(JDK, JSPECIFY, SPI, SPRING, REACTOR, REACTIVE_STREAMS, NETTY, MICROMETER, COMMONS_LOGGING)
			.never(SPRING_BOOT)
			.check();
	}

	@Test
	void autoconfigureDependsOnSpiServerAndSpringBoot() {
		LayerRule.of(AUTOCONFIGURE)
			.mayDependOn(JDK, JSPECIFY, SPI, SERVER, MIGRATION, SPRING, REACTOR, NETTY, MICROMETER, COMMONS_LOGGING)
			.check();
	}

	@Test
	void migrationDependsOnServerSpringFrameworkReactorAndJacksonButNeverOnSpringBoot() {
		LayerRule.of(MIGRATION)
			.mayDependOn(JDK, JSPECIFY, SERVER, SPRING, REACTOR, REACTIVE_STREAMS, JACKSON, COMMONS_LOGGING)
			.never(SPRING_BOOT)
			.check();
	}

	@Test
	void validateDependsOnSpiOnly() {
		LayerRule.of(VALIDATE).mayDependOn(JDK, JSPECIFY, SPI).check();
	}

}
