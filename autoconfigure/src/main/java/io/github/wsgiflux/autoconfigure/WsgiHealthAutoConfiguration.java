package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.server.BoundedWsgiScheduler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code wsgi} health contributor, when Spring Boot's health support is on the class path
 * ({@code management.health.wsgi.enabled} turns it off).
 */
@AutoConfiguration(after = WsgiAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(BoundedWsgiScheduler.class)
@ConditionalOnEnabledHealthIndicator("wsgi")
public final class WsgiHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "wsgiHealthIndicator")
	WsgiHealthIndicator wsgiHealthIndicator(BoundedWsgiScheduler scheduler) {
		return new WsgiHealthIndicator(scheduler);
	}

}
