package io.github.wsgiflux.autoconfigure;

import io.github.wsgiflux.migration.MigrationComparisons;
import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.WsgiHandlerMapping;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The {@code wsgi} actuator endpoint, when the actuator is on the class path and the endpoint is exposed
 * ({@code management.endpoints.web.exposure.include=wsgi}). Read-only by default: its write operations (the
 * rollback switch, {@code wsgi.routing.legacy-paths}) need {@code management.endpoint.wsgi.access=unrestricted}.
 */
@AutoConfiguration(after = { WsgiAutoConfiguration.class, WsgiMigrationAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(WsgiHandlerMapping.class)
@ConditionalOnAvailableEndpoint(WsgiEndpoint.class)
public final class WsgiEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WsgiEndpoint wsgiEndpoint(ApplicationContext context, WsgiHandlerMapping mapping, BoundedWsgiScheduler scheduler,
			WsgiProperties properties, LegacyPaths legacyPaths, ObjectProvider<MigrationComparisons> comparisons) {
		return new WsgiEndpoint(context, mapping, scheduler, properties, legacyPaths, comparisons.getIfAvailable());
	}

}
