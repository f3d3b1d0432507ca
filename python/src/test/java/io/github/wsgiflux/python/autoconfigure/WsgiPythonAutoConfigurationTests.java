package io.github.wsgiflux.python.autoconfigure;

import io.github.wsgiflux.autoconfigure.WsgiAutoConfiguration;
import io.github.wsgiflux.python.PythonWsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What {@code wsgi.python.*} properties configure. Warm-up is off here, so no interpreter context is created.
 */
class WsgiPythonAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WsgiPythonAutoConfiguration.class, WsgiAutoConfiguration.class))
		.withPropertyValues("wsgi.python.warm-up=false");

	@Test
	void withoutAnAppNothingIsHostedButWarmUpStandsBy() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(PythonWsgiApplication.class);
			assertThat(context).hasSingleBean(PythonWarmUp.class);
		});
	}

	@Test
	void appPropertiesConfigureTheApplication() {
		this.contextRunner
			.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.contexts=3", "wsgi.python.path=src/test/python")
			.run((context) -> {
				PythonWsgiApplication application = context.getBean(PythonWsgiApplication.class);
				assertThat(application.getApp()).isEqualTo("hello:app");
				assertThat(application.getContexts()).isEqualTo(3);
				assertThat(application.getLoadedContexts()).isZero();
				assertThat(application.isWarmUp()).isFalse();
				assertThat(context).doesNotHaveBean(WsgiMount.class);
			});
	}

	@Test
	void theOptimizedTruffleRuntimeIsActive() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app").run((context) -> {
			String runtime = context.getBean(PythonWsgiApplication.class).getEngine().getImplementationName();
			assertThat(runtime).isNotEqualTo("Interpreted").contains("GraalVM");
		});
	}

	@Test
	void sharedEngineIsProvidedAndUsedByThePropertyApplication() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app").run((context) -> {
			assertThat(context).hasSingleBean(Engine.class);
			assertThat(context.getBean(PythonWsgiApplication.class).getEngine())
				.isSameAs(context.getBean(Engine.class));
		});
	}

	@Test
	void sharedEngineIsClosedWithTheApplicationContext() {
		Engine[] engine = new Engine[1];
		this.contextRunner.run((context) -> engine[0] = context.getBean(Engine.class));
		assertThatIllegalStateException().isThrownBy(() -> Context.newBuilder("python").engine(engine[0]).build());
	}

	@Test
	void engineOptionsReachTheSharedEngine() {
		this.contextRunner
			.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.engine-options.engine.CompilerThreads=1",
					"wsgi.python.engine-options.engine.Splitting=false")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Engine.class));
		// Only an option the engine builder was given can be refused by it.
		this.contextRunner.withPropertyValues("wsgi.python.engine-options.engine.NoSuchOption=1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("engine.NoSuchOption"));
	}

	@Test
	void userEngineBacksOffTheSharedOneAndIsUsed() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app")
			.withBean("userEngine", Engine.class, () -> Engine.newBuilder("python").build(),
					(definition) -> definition.setDestroyMethodName("close"))
			.run((context) -> {
				assertThat(context).hasSingleBean(Engine.class).hasBean("userEngine");
				assertThat(context.getBean(PythonWsgiApplication.class).getEngine())
					.isSameAs(context.getBean(Engine.class));
			});
	}

	@Test
	void loadingRetryAfterPropertySetsTheRetryAfterOfRequestsArrivingBeforeAnyContextIsReady() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.loading-retry-after=12s")
			.run((context) -> assertThat(context.getBean(PythonWsgiApplication.class).getLoadingRetryAfter())
				.hasSeconds(12));
	}

	@Test
	void refuseWhileLoadingFalseMakesRequestsWaitForTheFirstContext() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.refuse-while-loading=false")
			.run((context) -> assertThat(context.getBean(PythonWsgiApplication.class).getLoadingRetryAfter()).isNull());
	}

	@Test
	void mountPathMountsThePythonApplication() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.mount-path=/py")
			.run((context) -> assertThat(context.getBean(WsgiMount.class).getPath()).isEqualTo("/py"));
	}

	@Test
	void invalidContextsFailTheStartWithAClearMessage() {
		this.contextRunner.withPropertyValues("wsgi.python.app=hello:app", "wsgi.python.contexts=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Python contexts must be at least 1"));
	}

	@Test
	void invalidAppFailsTheStartWithAClearMessage() {
		this.contextRunner.withPropertyValues("wsgi.python.app=:app")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'module:callable'"));
	}

}
