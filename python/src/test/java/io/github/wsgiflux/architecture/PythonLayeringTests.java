package io.github.wsgiflux.architecture;

import org.junit.jupiter.api.Test;

import static io.github.wsgiflux.architecture.LayerRule.AUTOCONFIGURE;
import static io.github.wsgiflux.architecture.LayerRule.COMMONS_LOGGING;
import static io.github.wsgiflux.architecture.LayerRule.GRAALVM;
import static io.github.wsgiflux.architecture.LayerRule.JDK;
import static io.github.wsgiflux.architecture.LayerRule.JSPECIFY;
import static io.github.wsgiflux.architecture.LayerRule.PYTHON;
import static io.github.wsgiflux.architecture.LayerRule.SPI;
import static io.github.wsgiflux.architecture.LayerRule.SPRING;

/**
 * The layering of {@code wsgiflux-python}, checked where it is built (Java 21+): the contract, the gateway's Spring
 * Boot auto-configuration (ordering, properties) and GraalPy; never the gateway's {@code server} internals.
 */
class PythonLayeringTests {

	@Test
	void pythonDependsOnSpiAndTheAutoConfigurationButNeverOnTheServer() {
		LayerRule.of(PYTHON).mayDependOn(JDK, JSPECIFY, SPI, AUTOCONFIGURE, SPRING, GRAALVM, COMMONS_LOGGING).check();
	}

}
