package io.github.wsgiflux.test.client;

import io.github.wsgiflux.architecture.LayerRule;
import org.junit.jupiter.api.Test;

import static io.github.wsgiflux.architecture.LayerRule.JDK;
import static io.github.wsgiflux.architecture.LayerRule.JSPECIFY;
import static io.github.wsgiflux.architecture.LayerRule.REACTOR;
import static io.github.wsgiflux.architecture.LayerRule.SERVER;
import static io.github.wsgiflux.architecture.LayerRule.SPI;
import static io.github.wsgiflux.architecture.LayerRule.SPRING;
import static io.github.wsgiflux.architecture.LayerRule.SPRING_BOOT;
import static io.github.wsgiflux.architecture.LayerRule.TEST_CLIENT;
import static io.github.wsgiflux.architecture.LayerRule.VALIDATE;

/**
 * The layering of {@code wsgiflux-test}: the client drives the gateway through its public types, checked by the
 * validator, with Spring's test support; never Spring Boot or the auto-configuration.
 */
class TestClientLayeringTests {

	@Test
	void testClientDependsOnSpiValidateServerAndSpringTestSupportButNeverOnSpringBoot() {
		LayerRule.of(TEST_CLIENT).mayDependOn(JDK, JSPECIFY, SPI, VALIDATE, SERVER, SPRING, REACTOR)
			.never(SPRING_BOOT)
			.check();
	}

}
