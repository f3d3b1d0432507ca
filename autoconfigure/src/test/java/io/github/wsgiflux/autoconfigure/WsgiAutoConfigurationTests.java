package io.github.wsgiflux.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiEnvironSettings;
import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.LegacyPathsHandlerMapping;
import io.github.wsgiflux.server.RouteTable;
import io.github.wsgiflux.server.WsgiHandlerMapping;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.condition.JRE;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WsgiAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class WsgiAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsgiAutoConfiguration.class));

	@Test
	void whenNoApplicationBeanThenNothingIsRegistered() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(WsgiHandlerMapping.class)
			.doesNotHaveBean(BoundedWsgiScheduler.class)
			.doesNotHaveBean(WsgiAutoConfiguration.SCHEDULER_BEAN_NAME));
	}

	@Test
	void whenApplicationBeanThenMappingAndSchedulerAreRegisteredAfterNative() {
		this.contextRunner.withUserConfiguration(OneApp.class).run((context) -> {
			assertThat(context).hasSingleBean(WsgiHandlerMapping.class).hasSingleBean(BoundedWsgiScheduler.class);
			assertThat(context.getBean(WsgiHandlerMapping.class)).extracting("order")
				.isEqualTo(Ordered.LOWEST_PRECEDENCE - 2);
			BoundedWsgiScheduler scheduler = context.getBean(BoundedWsgiScheduler.class);
			assertThat(scheduler.getThreadCap()).isEqualTo(200);
			assertThat(scheduler.getQueueCapacity()).isEqualTo(100);
		});
	}

	@Test
	void whenApplicationBeanThenRequestsReachItThroughWebTestClient() {
		this.contextRunner.withUserConfiguration(OneApp.class).run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get()
				.uri("/anything?x=1")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.contentType("text/plain")
				.expectBody(String.class)
				.isEqualTo("hello /anything");
		});
	}

	@Test
	void routingChainIsLoggedOnceAtStartupInDispatchOrder(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(OneApp.class).run((context) -> {
			String line = output.getOut()
				.lines()
				.filter((candidate) -> candidate.contains("WSGI routing chain: "))
				.findFirst()
				.orElseThrow();
			assertThat(line).containsSubsequence("routerFunctionMapping (RouterFunctionMapping, order -1)",
					"requestMappingHandlerMapping (RequestMappingHandlerMapping, order 0)",
					"wsgiHandlerMapping (WsgiHandlerMapping, order 2147483645): WSGI / -> app",
					"resourceHandlerMapping (SimpleUrlHandlerMapping, order 2147483646): /webjars/**");
		});
	}

	@Test
	void whenPropertiesSetThenTheyAreBound() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.scheduler.thread-cap=7", "wsgi.scheduler.queue-capacity=3",
					"wsgi.routing.precedence=before-native", "wsgi.routing.mount-path=/legacy")
			.run((context) -> {
				BoundedWsgiScheduler scheduler = context.getBean(BoundedWsgiScheduler.class);
				assertThat(scheduler.getThreadCap()).isEqualTo(7);
				assertThat(scheduler.getQueueCapacity()).isEqualTo(3);
				WsgiHandlerMapping mapping = context.getBean(WsgiHandlerMapping.class);
				assertThat(mapping).extracting("order").isEqualTo(WsgiAutoConfiguration.BEFORE_NATIVE_ORDER);
				assertThat(mapping.getHandlers().get(0).getMount().getPath()).isEqualTo("/legacy");
			});
	}

	@Test
	void whenMaxHeaderCountSetThenMoreHeaderLinesGet431() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.request.max-header-count=4")
			.run((context) -> {
				WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
				client.get().uri("/a").exchange().expectStatus().isOk();
				client.get()
					.uri("/a")
					.headers((headers) -> List.of("A", "B", "C", "D", "E").forEach((n) -> headers.add("X-" + n, n)))
					.exchange()
					.expectStatus()
					.isEqualTo(431);
			});
	}

	@Test
	void whenApplicationBeanThenTheReactorNettyHooksAreRegistered() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.run((context) -> assertThat(context).hasSingleBean(NettyServerCustomizer.class));
	}

	@Test
	void forwardedHeadersFollowBootsStrategy() {
		assertThat(WsgiAutoConfiguration.forwardedHeaders(new MockEnvironment()))
			.isEqualTo(WsgiEnvironSettings.ForwardedHeaders.NONE);
		assertThat(WsgiAutoConfiguration
			.forwardedHeaders(new MockEnvironment().withProperty("server.forward-headers-strategy", "framework")))
			.isEqualTo(WsgiEnvironSettings.ForwardedHeaders.FRAMEWORK);
		assertThat(WsgiAutoConfiguration
			.forwardedHeaders(new MockEnvironment().withProperty("server.forward-headers-strategy", "NATIVE")))
			.isEqualTo(WsgiEnvironSettings.ForwardedHeaders.NATIVE);
		assertThat(WsgiAutoConfiguration
			.forwardedHeaders(new MockEnvironment().withProperty("server.forward-headers-strategy", "none")))
			.isEqualTo(WsgiEnvironSettings.ForwardedHeaders.NONE);
		// Boot turns Reactor Netty's forwarded handling on by itself on a cloud platform that uses them.
		assertThat(WsgiAutoConfiguration
			.forwardedHeaders(new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes")))
			.isEqualTo(WsgiEnvironSettings.ForwardedHeaders.NATIVE);
	}

	@Test
	void whenOrderSetThenItOverridesThePrecedence() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.routing.order=5")
			.run((context) -> assertThat(context.getBean(WsgiHandlerMapping.class)).extracting("order").isEqualTo(5));
	}

	@Test
	void whenEnabledPropertySetFalseThenAutoConfigurationIsSkipped() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WsgiHandlerMapping.class));
	}

	@Test
	void whenNotAReactiveWebApplicationThenAutoConfigurationIsSkipped() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WsgiAutoConfiguration.class))
			.withUserConfiguration(OneApp.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WsgiHandlerMapping.class));
	}

	@Test
	void whenUserDefinesWsgiSchedulerThenItIsUsed() {
		this.contextRunner.withUserConfiguration(OneApp.class, UserScheduler.class).run((context) -> {
			assertThat(context.getBean(BoundedWsgiScheduler.class).getScheduler())
				.isSameAs(context.getBean(WsgiAutoConfiguration.SCHEDULER_BEAN_NAME));
			assertThat(context.getBean(WsgiAutoConfiguration.SCHEDULER_BEAN_NAME).toString()).contains("user-wsgi");
		});
	}

	@Test
	void legacyPathsMappingSitsAfterActuatorAndBeforeNativeHandlersWithTheConfiguredPatterns() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.routing.legacy-paths=/stats,/orders/**")
			.run((context) -> {
				LegacyPathsHandlerMapping mapping = context.getBean(LegacyPathsHandlerMapping.class);
				assertThat(mapping).extracting("order").isEqualTo(LegacyPathsHandlerMapping.DEFAULT_ORDER);
				assertThat(mapping.getOrder()).isGreaterThan(-100).isLessThan(WsgiAutoConfiguration.BEFORE_NATIVE_ORDER);
				assertThat(context.getBean(LegacyPaths.class).getPatterns()).containsExactly("/stats", "/orders/**");
			});
	}

	@Test
	void whenALegacyPathCannotBeParsedThenStartupFailsWithAClearMessage() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.routing.legacy-paths=/orders/{id")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid legacy path pattern '/orders/{id'"));
	}

	@Test
	void routesAreCountedUpToTheConfiguredBoundOrNotAtAll() {
		this.contextRunner.withUserConfiguration(OneApp.class).withPropertyValues("wsgi.routes.max-templates=7")
			.run((context) -> assertThat(context.getBean(WsgiHandlerMapping.class).getHandlers().get(0).getRoutes())
				.extracting(RouteTable::getMaxTemplates)
				.isEqualTo(7));
		this.contextRunner.withUserConfiguration(OneApp.class).withPropertyValues("wsgi.routes.max-templates=0")
			.run((context) -> assertThat(context.getBean(WsgiHandlerMapping.class).getHandlers().get(0).getRoutes())
				.isNull());
	}

	@Test
	void whenUserDefinesTheMappingThenTheAutoConfiguredOneBacksOff() {
		this.contextRunner.withUserConfiguration(OneApp.class, UserMapping.class)
			.run((context) -> assertThat(context).getBean(WsgiHandlerMapping.class)
				.isSameAs(context.getBean("userMapping")));
	}

	@Test
	void whenTwoApplicationsWithoutMountsThenStartupFailsWithAClearMessage() {
		this.contextRunner.withUserConfiguration(OneApp.class, SecondApp.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("declare a WsgiMount bean"));
	}

	@Test
	void whenMountBeansThenTheyAreServedWithoutApplicationBeans() {
		this.contextRunner.withUserConfiguration(Mounts.class).run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get().uri("/a/x").exchange().expectBody(String.class).isEqualTo("hello /x");
		});
	}

	@Test
	void whenMountBeansAndOneApplicationWithoutMountThenThatOneIsServedAtTheMountPath() {
		this.contextRunner.withUserConfiguration(Mounts.class, UnmountedApp.class).run((context) -> {
			WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
			client.get().uri("/a/x").exchange().expectBody(String.class).isEqualTo("hello /x");
			client.get().uri("/b/y").exchange().expectBody(String.class).isEqualTo("unmounted /b/y");
		});
	}

	@Test
	void whenTwoMountsShareAPathThenStartupFailsWithAClearMessage() {
		this.contextRunner.withUserConfiguration(Mounts.class, UnmountedApp.class)
			.withPropertyValues("wsgi.routing.mount-path=/a/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Two WSGI mounts at /a"));
	}

	@Test
	void schedulerIsDisposedWhenTheContextCloses() {
		Scheduler[] scheduler = new Scheduler[1];
		this.contextRunner.withUserConfiguration(OneApp.class)
			.run((context) -> scheduler[0] = context.getBean(WsgiAutoConfiguration.SCHEDULER_BEAN_NAME,
					Scheduler.class));
		assertThat(scheduler[0].isDisposed()).isTrue();
	}

	@Test
	void whenNeitherPropertyIsSetThenRequestsRunOnPooledPlatformThreads() {
		this.contextRunner.withUserConfiguration(ThreadApp.class)
			.run((context) -> assertThat(threadOfARequest(context)).startsWith("virtual=false name=wsgi-"));
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenBootVirtualThreadsAreEnabledOnJava21ThenRequestsRunOnVirtualThreads() {
		this.contextRunner.withUserConfiguration(ThreadApp.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(threadOfARequest(context)).startsWith("virtual=true name=wsgi-vt-"));
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void whenBootVirtualThreadsAreEnabledOnJava17ThenRequestsRunOnPlatformThreadsAsBootsOwnExecutors() {
		this.contextRunner.withUserConfiguration(ThreadApp.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(threadOfARequest(context)).startsWith("virtual=false name=wsgi-"));
	}

	@Test
	void whenBootVirtualThreadsAreEnabledButWsgiVirtualThreadsAreOffThenRequestsRunOnPlatformThreads() {
		this.contextRunner.withUserConfiguration(ThreadApp.class)
			.withPropertyValues("spring.threads.virtual.enabled=true", "wsgi.scheduler.virtual-threads=false")
			.run((context) -> assertThat(threadOfARequest(context)).startsWith("virtual=false name=wsgi-"));
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenWsgiVirtualThreadsAreOnButBootVirtualThreadsAreOffThenRequestsRunOnVirtualThreads() {
		this.contextRunner.withUserConfiguration(ThreadApp.class)
			.withPropertyValues("spring.threads.virtual.enabled=false", "wsgi.scheduler.virtual-threads=true")
			.run((context) -> assertThat(threadOfARequest(context)).startsWith("virtual=true name=wsgi-vt-"));
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void whenWsgiVirtualThreadsAreOnOnJava17ThenStartupFailsWithAClearMessage() {
		this.contextRunner.withUserConfiguration(OneApp.class)
			.withPropertyValues("wsgi.scheduler.virtual-threads=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("wsgi.scheduler.virtual-threads=true needs Java 21 or later"));
	}

	private static String threadOfARequest(ApplicationContext context) {
		return WebTestClient.bindToApplicationContext(context)
			.build()
			.get()
			.uri("/")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	static WsgiApplication hello() {
		return (environ, start) -> {
			start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
			return List.of(("hello " + environ.get("PATH_INFO")).getBytes(StandardCharsets.UTF_8));
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class OneApp {

		@Bean
		WsgiApplication app() {
			return hello();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnmountedApp {

		@Bean
		WsgiApplication unmounted() {
			// Captures a value: a distinct instance from hello()'s (a non-capturing lambda is a singleton).
			String greeting = "unmounted ";
			return (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return List.of((greeting + environ.get("PATH_INFO")).getBytes(StandardCharsets.UTF_8));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondApp {

		@Bean
		WsgiApplication second() {
			return hello();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Mounts {

		@Bean
		WsgiMount a() {
			return new WsgiMount("/a", "a", hello());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ThreadApp {

		@Bean
		WsgiApplication app() {
			return (environ, start) -> {
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				Thread thread = Thread.currentThread();
				String text = "virtual=" + thread.toString().startsWith("VirtualThread") + " name=" + thread.getName();
				return List.of(text.getBytes(StandardCharsets.UTF_8));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserScheduler {

		@Bean(destroyMethod = "dispose")
		Scheduler wsgiScheduler() {
			return Schedulers.newBoundedElastic(2, 10, "user-wsgi");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMapping {

		@Bean
		WsgiHandlerMapping userMapping(BoundedWsgiScheduler scheduler) {
			return new WsgiHandlerMapping(List.of(new io.github.wsgiflux.server.WsgiHandlerFunction(
					new WsgiMount("/", "user", hello()), scheduler, io.github.wsgiflux.server.WsgiHandlerSettings.defaults())));
		}

	}

}
