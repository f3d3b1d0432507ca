package io.github.wsgiflux.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;

import static io.github.wsgiflux.architecture.LayerRule.JDK;
import static io.github.wsgiflux.architecture.LayerRule.SPRING;
import static io.github.wsgiflux.architecture.LayerRule.SPRING_BOOT;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A broken rule fails, naming the class and what it uses.
 */
class LayerRuleTests {

	private final JavaClasses bootUser = new ClassFileImporter().importClasses(UsesSpringBoot.class);

	@Test
	void dependencyOutsideTheAllowedPackagesFailsNamingTheClass() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> LayerRule.of("io.github.wsgiflux.architecture..").mayDependOn(JDK).check(this.bootUser))
			.withMessageContaining(UsesSpringBoot.class.getName())
			.withMessageContaining(SpringApplication.class.getName());
	}

	@Test
	void forbiddenPackageInsideAnAllowedOneFailsNamingTheClass() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> LayerRule.of("io.github.wsgiflux.architecture..")
				.mayDependOn(JDK, SPRING)
				.never(SPRING_BOOT)
				.check(this.bootUser))
			.withMessageContaining(UsesSpringBoot.class.getName());
	}

	@Test
	void allowedDependenciesPass() {
		LayerRule.of("io.github.wsgiflux.architecture..").mayDependOn(JDK, SPRING).check(this.bootUser);
	}

	@Test
	void layerIsNamedWithItsSubPackages() {
		assertThatIllegalArgumentException().isThrownBy(() -> LayerRule.of("io.github.wsgiflux.spi"));
	}

	static class UsesSpringBoot {

		Class<?> application() {
			return SpringApplication.class;
		}

	}

}
