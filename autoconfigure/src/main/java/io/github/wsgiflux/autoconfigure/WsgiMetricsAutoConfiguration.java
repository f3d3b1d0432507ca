package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.WsgiSchedulerCustomizer;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.observability.micrometer.Micrometer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Metrics of the WSGI gateway when Micrometer is in use: request timers and scheduler figures ({@link WsgiMetrics}),
 * and Reactor's own scheduler metrics ({@code wsgi.scheduler.*}) through {@code Micrometer.timedScheduler}.
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration" },
		after = { WsgiAutoConfiguration.class, WsgiMigrationAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, BoundedWsgiScheduler.class })
public final class WsgiMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WsgiMetrics wsgiMetrics(BoundedWsgiScheduler scheduler, MeterRegistry registry, WsgiProperties properties) {
		return new WsgiMetrics(scheduler, registry, properties.getMetrics().isRouteTag());
	}

	@Bean
	@ConditionalOnBean(MigrationComparisons.class)
	@ConditionalOnMissingBean
	WsgiMigrationMetrics wsgiMigrationMetrics(MigrationComparisons comparisons) {
		return new WsgiMigrationMetrics(comparisons);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Micrometer.class)
	static class TimedSchedulerConfiguration {

		@Bean
		WsgiSchedulerCustomizer wsgiTimedSchedulerCustomizer(ObjectProvider<MeterRegistry> registry) {
			return (scheduler) -> Micrometer.timedScheduler(scheduler, registry.getObject(), "wsgi.scheduler");
		}

	}

}
