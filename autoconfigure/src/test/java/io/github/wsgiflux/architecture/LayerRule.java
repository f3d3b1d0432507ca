package io.github.wsgiflux.architecture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * What the production classes of one package of wsgiflux (and its sub-packages) may depend on: an allow-list of
 * packages, minus what is never allowed inside it (Spring Boot inside Spring, for the server). A module checks its own
 * packages where it is built, so that the rule sees the classes users get:
 *
 * <pre class="code">
 * LayerRule.of(LayerRule.VALIDATE).mayDependOn(LayerRule.JDK, LayerRule.JSPECIFY, LayerRule.SPI).check();
 * </pre>
 *
 * A violation fails with ArchUnit's report, one line per offending dependency, naming the class, the member and the
 * line. A new module adds its rule the same way, in a test of its own (see {@code LayeringTests}).
 */
public final class LayerRule {

	/** The Java SE platform's {@code java.*} packages. */
	public static final String JDK = "java..";

	/** JSpecify's nullness annotations. */
	public static final String JSPECIFY = "org.jspecify..";

	/** The contract, {@code wsgiflux-spi}. */
	public static final String SPI = "io.github.wsgiflux.spi..";

	/** The WebFlux gateway. */
	public static final String SERVER = "io.github.wsgiflux.server..";

	/** The Spring Boot auto-configuration of the gateway. */
	public static final String AUTOCONFIGURE = "io.github.wsgiflux.autoconfigure..";

	/** Shadow comparison of legacy and native routes. */
	public static final String MIGRATION = "io.github.wsgiflux.migration..";

	/** Jackson 3. */
	public static final String JACKSON = "tools.jackson..";

	/** The PEP 3333 lint. */
	public static final String VALIDATE = "io.github.wsgiflux.validate..";

	/** The in-process test client, {@code wsgiflux-test}. */
	public static final String TEST_CLIENT = "io.github.wsgiflux.test.client..";

	/** Python applications through GraalPy. */
	public static final String PYTHON = "io.github.wsgiflux.python..";

	/** The Spring portfolio, Spring Boot included. */
	public static final String SPRING = "org.springframework..";

	/** Spring Boot alone. */
	public static final String SPRING_BOOT = "org.springframework.boot..";

	/** Reactor and its Netty server. */
	public static final String REACTOR = "reactor..";

	/** The Reactive Streams interfaces. */
	public static final String REACTIVE_STREAMS = "org.reactivestreams..";

	/** Netty. */
	public static final String NETTY = "io.netty..";

	/** Micrometer (metrics, context propagation). */
	public static final String MICROMETER = "io.micrometer..";

	/** Commons Logging, as Spring logs (its {@code spring-jcl} bridge). */
	public static final String COMMONS_LOGGING = "org.apache.commons.logging..";

	/** GraalPy's embedding API. */
	public static final String GRAALVM = "org.graalvm..";

	private static final ImportOption NO_TEST_JARS = (location) -> !location.contains("-tests.jar");

	private final String layer;

	private final List<String> allowed = new ArrayList<>();

	private final List<String> forbidden = new ArrayList<>();

	private LayerRule(String layer) {
		this.layer = layer;
		this.allowed.add(layer);
	}

	/**
	 * The rule of one layer, which may depend on itself and on nothing else yet.
	 * @param layer the package, as ArchUnit names it with its sub-packages ({@code "io.github.wsgiflux.spi.."})
	 * @return the rule
	 */
	public static LayerRule of(String layer) {
		if (!layer.endsWith("..")) {
			throw new IllegalArgumentException("A layer is named with its sub-packages, as in 'a.b..': " + layer);
		}
		return new LayerRule(layer);
	}

	/**
	 * Allow dependencies on packages.
	 * @param packages package identifiers, such as {@link #JDK}
	 * @return this rule
	 */
	public LayerRule mayDependOn(String... packages) {
		this.allowed.addAll(Arrays.asList(packages));
		return this;
	}

	/**
	 * Forbid dependencies on packages that an allowed one contains.
	 * @param packages package identifiers
	 * @return this rule
	 */
	public LayerRule never(String... packages) {
		this.forbidden.addAll(Arrays.asList(packages));
		return this;
	}

	/**
	 * Check the production classes of the layer found on the class path (test classes and test jars left out).
	 */
	public void check() {
		String root = this.layer.substring(0, this.layer.length() - 2);
		JavaClasses production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.withImportOption(NO_TEST_JARS)
			.importPackages(root);
		check(production);
	}

	/**
	 * Check classes already imported.
	 * @param classes the classes, of which those in the layer are checked
	 * @throws AssertionError naming each offending class, member and line
	 */
	public void check(JavaClasses classes) {
		DescribedPredicate<JavaClass> target = resideInAnyPackage(this.allowed.toArray(String[]::new));
		if (!this.forbidden.isEmpty()) {
			target = target.and(DescribedPredicate.not(resideInAnyPackage(this.forbidden.toArray(String[]::new))));
		}
		ArchRule rule = classes().that().resideInAPackage(this.layer).should().onlyDependOnClassesThat(target);
		rule.check(classes);
	}

}
