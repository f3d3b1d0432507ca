package io.github.wsgiflux.autoconfigure;

import java.time.Duration;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the operational auto-configurations: metrics, health and the {@code wsgi} endpoint, each of which backs
 * off without its library or without a WSGI application.
 */
class WsgiOperationsAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class, WsgiAutoConfiguration.class,
				WsgiMetricsAutoConfiguration.class, WsgiHealthAutoConfiguration.class,
				WsgiEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=wsgi");

	@Test
	void whenMeterRegistryThenRequestsAreTimedAndSchedulerFiguresPublished() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class, Registry.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.run((context) -> {
				WebTestClient.bindToApplicationContext(context).build().get().uri("/x").exchange().expectStatus().isOk();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// Recorded by the worker once the response is handed over: possibly just after the client has it.
				await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("wsgi.requests").timer() != null);
				assertThat(registry.get("wsgi.requests")
					.tags("mount", "app", "method", "GET", "status", "200", "outcome", "SUCCESS")
					.timer()
					.count()).isEqualTo(1);
				assertThat(registry.get("wsgi.requests.active").gauge().value()).isZero();
				assertThat(registry.get("wsgi.requests.queued").gauge().value()).isZero();
				assertThat(registry.get("wsgi.requests.rejected").tag("reason", "overload").functionCounter().count())
					.isZero();
				assertThat(registry.get("wsgi.requests.timeouts").functionCounter().count()).isZero();
				assertThat(registry.getMeters()).anySatisfy(
						(meter) -> assertThat(meter.getId().getName()).startsWith("wsgi.scheduler."));
			});
	}

	@Test
	void whenRouteTagEnabledThenRequestsAreTimedByRouteTemplate() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class, Registry.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.withPropertyValues("wsgi.metrics.route-tag=true")
			.run((context) -> {
				WebTestClient client = WebTestClient.bindToApplicationContext(context).build();
				client.get().uri("/orders/1").exchange().expectStatus().isOk();
				client.get().uri("/orders/2").exchange().expectStatus().isOk();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> registry.find("wsgi.requests").tag("route", "/orders/{id}").timer() != null
							&& registry.get("wsgi.requests").tag("route", "/orders/{id}").timer().count() == 2);
			});
	}

	@Test
	void whenRouteTagNotEnabledThenTimersHaveNoRouteTag() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class, Registry.class)
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class))
			.run((context) -> {
				WebTestClient.bindToApplicationContext(context).build().get().uri("/orders/1").exchange()
					.expectStatus().isOk();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(5)).until(() -> registry.find("wsgi.requests").timer() != null);
				assertThat(registry.find("wsgi.requests").timers())
					.allSatisfy((timer) -> assertThat(timer.getId().getTag("route")).isNull());
			});
	}

	@Test
	void whenNoMeterRegistryThenNoMetrics() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WsgiMetrics.class));
	}

	@Test
	void whenMicrometerIsAbsentThenMetricsBackOff() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WsgiMetrics.class));
	}

	@Test
	void healthIsUpWithTheSchedulerFigures() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class).run((context) -> {
			Health health = context.getBean("wsgiHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("active", 0)
				.containsEntry("queued", 0)
				.containsEntry("threadCap", 200)
				.containsEntry("queueCapacity", 100)
				.containsEntry("saturated", false);
		});
	}

	@Test
	void whenHealthIndicatorDisabledThenItIsAbsent() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class)
			.withPropertyValues("management.health.wsgi.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WsgiHealthIndicator.class));
	}

	@Test
	void endpointDescribesMountsChainSchedulerAndLiveFigures() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class).run((context) -> {
			WsgiEndpoint.WsgiDescriptor descriptor = context.getBean(WsgiEndpoint.class).wsgi();
			assertThat(descriptor.precedence()).isEqualTo("AFTER_NATIVE");
			assertThat(descriptor.mounts()).singleElement().satisfies((mount) -> {
				assertThat(mount.path()).isEqualTo("/");
				assertThat(mount.name()).isEqualTo("app");
			});
			assertThat(descriptor.chain()).extracting(io.github.wsgiflux.server.HandlerMappingChain.Link::name)
				.containsSubsequence("routerFunctionMapping", "requestMappingHandlerMapping", "wsgiHandlerMapping",
						"resourceHandlerMapping");
			assertThat(descriptor.scheduler().threadCap()).isEqualTo(200);
			assertThat(descriptor.scheduler().virtualThreads()).isFalse();
			assertThat(descriptor.live().active()).isZero();
		});
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void endpointShowsVirtualThreadsWhenTheyFollowSpringBoot() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class)
			.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(context.getBean(WsgiEndpoint.class).wsgi().scheduler().virtualThreads())
				.isTrue());
	}

	@Test
	void whenActuatorIsAbsentThenTheEndpointBacksOff() {
		this.contextRunner.withUserConfiguration(WsgiAutoConfigurationTests.OneApp.class)
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(WsgiEndpoint.class));
	}

	@Test
	void whenNoApplicationThenNoOperationalBeans() {
		this.contextRunner.withUserConfiguration(Registry.class)
			.run((context) -> assertThat(context).doesNotHaveBean(WsgiMetrics.class)
				.doesNotHaveBean(WsgiHealthIndicator.class)
				.doesNotHaveBean(WsgiEndpoint.class)
				.doesNotHaveBean(BoundedWsgiScheduler.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
