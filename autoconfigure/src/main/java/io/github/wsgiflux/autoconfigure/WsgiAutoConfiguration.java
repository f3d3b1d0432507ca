package io.github.wsgiflux.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.wsgiflux.server.BoundedWsgiScheduler;
import io.github.wsgiflux.server.HandlerMappingChain;
import io.github.wsgiflux.server.LegacyPaths;
import io.github.wsgiflux.server.LegacyPathsHandlerMapping;
import io.github.wsgiflux.server.PersistentConnectionHandler;
import io.github.wsgiflux.server.RequestTargetEncoder;
import io.github.wsgiflux.server.TransferEncodingGuard;
import io.github.wsgiflux.server.WsgiAccessLog;
import io.github.wsgiflux.server.WsgiEnvironSettings;
import io.github.wsgiflux.server.WsgiHandlerFunction;
import io.github.wsgiflux.server.WsgiHandlerMapping;
import io.github.wsgiflux.server.WsgiHandlerSettings;
import io.github.wsgiflux.server.WsgiRequestObserver;
import io.github.wsgiflux.server.WsgiSchedulerCustomizer;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.resource.ResourceUrlProvider;

/**
 * Auto-configuration that serves {@link WsgiApplication} beans from the reactive web server: a bounded scheduler
 * runs them, a dedicated handler mapping routes to them with the precedence from {@code wsgi.routing.*}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration")
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ WsgiApplication.class, RouterFunctionMapping.class })
@ConditionalOnBooleanProperty(name = "wsgi.enabled", matchIfMissing = true)
@ConditionalOnWsgiApplication
@EnableConfigurationProperties(WsgiProperties.class)
public final class WsgiAutoConfiguration {

	/** The name of the scheduler bean; a user bean of that name replaces the default. */
	public static final String SCHEDULER_BEAN_NAME = "wsgiScheduler";

	/** The name of the scheduler that fires timeouts. */
	public static final String TIMER_BEAN_NAME = "wsgiTimer";

	/** Order of the WSGI mapping with {@code before-native}: ahead of router functions (-1), after actuator (-100). */
	public static final int BEFORE_NATIVE_ORDER = -2;

	/**
	 * Order of the WSGI mapping with {@code after-native}: after every native mapping but the static resources
	 * ({@code LOWEST_PRECEDENCE - 1}), which match {@code /**} and would answer 404 themselves.
	 */
	public static final int AFTER_NATIVE_ORDER = Ordered.LOWEST_PRECEDENCE - 2;

	@Bean(name = SCHEDULER_BEAN_NAME, destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = SCHEDULER_BEAN_NAME)
	Scheduler wsgiScheduler(WsgiProperties properties, Environment environment) {
		WsgiProperties.Scheduler scheduler = properties.getScheduler();
		return WsgiSchedulers.create(scheduler, scheduler.determineVirtualThreads(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	BoundedWsgiScheduler boundedWsgiScheduler(@Qualifier(SCHEDULER_BEAN_NAME) Scheduler scheduler,
			ObjectProvider<WsgiSchedulerCustomizer> customizers, WsgiProperties properties) {
		Scheduler customized = scheduler;
		for (WsgiSchedulerCustomizer customizer : customizers.orderedStream().toList()) {
			customized = customizer.customize(customized);
		}
		WsgiProperties.Scheduler config = properties.getScheduler();
		return new BoundedWsgiScheduler(customized, config.getThreadCap(), config.getQueueCapacity());
	}

	/** Fires request and queue timeouts; a daemon thread created on first use. */
	@Bean(name = TIMER_BEAN_NAME, destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = TIMER_BEAN_NAME)
	Scheduler wsgiTimer() {
		return Schedulers.newSingle("wsgi-timeout", true);
	}

	@Bean
	@ConditionalOnBooleanProperty("wsgi.access-log.enabled")
	WsgiAccessLog wsgiAccessLog() {
		return new WsgiAccessLog();
	}

	@Bean
	@ConditionalOnMissingBean
	WsgiHandlerMapping wsgiHandlerMapping(ObjectProvider<WsgiMount> mounts, Map<String, WsgiApplication> applications,
			BoundedWsgiScheduler scheduler, WsgiProperties properties,
			@Qualifier(TIMER_BEAN_NAME) Scheduler timer, ObjectProvider<WsgiRequestObserver> observers,
			ObjectProvider<ResourceUrlProvider> resourceUrlProvider, Environment environment) {
		List<WsgiMount> resolved = resolveMounts(mounts, applications, properties);
		WsgiHandlerSettings settings = settings(properties, timer, observers);
		WsgiEnvironSettings environSettings = new WsgiEnvironSettings(properties.getRequest().getMaxHeaderCount(),
				forwardedHeaders(environment));
		List<WsgiHandlerFunction> handlers = resolved.stream()
			.map((mount) -> new WsgiHandlerFunction(mount, scheduler, settings, environSettings))
			.toList();
		WsgiHandlerMapping mapping = new WsgiHandlerMapping(handlers);
		WsgiProperties.Routing routing = properties.getRouting();
		boolean afterNative = routing.getPrecedence() == WsgiProperties.Precedence.AFTER_NATIVE;
		Integer order = routing.getOrder();
		mapping.setOrder((order != null) ? order : (afterNative ? AFTER_NATIVE_ORDER : BEFORE_NATIVE_ORDER));
		if (afterNative) {
			mapping.setStaticResources(resourceUrlProvider.getIfAvailable());
		}
		return mapping;
	}

	@Bean
	@ConditionalOnMissingBean
	LegacyPaths wsgiLegacyPaths(WsgiProperties properties) {
		return new LegacyPaths(properties.getRouting().getLegacyPaths());
	}

	/** The rollback switch: requests on {@code wsgi.routing.legacy-paths} go to WSGI ahead of native handlers. */
	@Bean
	@ConditionalOnMissingBean
	LegacyPathsHandlerMapping wsgiLegacyPathsHandlerMapping(LegacyPaths legacyPaths, WsgiHandlerMapping mapping) {
		return new LegacyPathsHandlerMapping(legacyPaths, mapping);
	}

	/**
	 * Which forwarded-headers handling Spring Boot turned on, as {@code ServerProperties} decides it: the
	 * {@code server.forward-headers-strategy} property, else {@code native} on a cloud platform that uses forwarded
	 * headers.
	 */
	static WsgiEnvironSettings.ForwardedHeaders forwardedHeaders(Environment environment) {
		String strategy = environment.getProperty("server.forward-headers-strategy");
		if (strategy == null) {
			CloudPlatform platform = CloudPlatform.getActive(environment);
			return (platform != null && platform.isUsingForwardHeaders()) ? WsgiEnvironSettings.ForwardedHeaders.NATIVE
					: WsgiEnvironSettings.ForwardedHeaders.NONE;
		}
		return switch (strategy.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "native" -> WsgiEnvironSettings.ForwardedHeaders.NATIVE;
			case "framework" -> WsgiEnvironSettings.ForwardedHeaders.FRAMEWORK;
			default -> WsgiEnvironSettings.ForwardedHeaders.NONE;
		};
	}

	@Bean
	static WsgiRoutingListener wsgiRoutingListener(ObjectProvider<WsgiHandlerMapping> mapping) {
		return new WsgiRoutingListener(mapping);
	}

	private static WsgiHandlerSettings settings(WsgiProperties properties, Scheduler timer,
			ObjectProvider<WsgiRequestObserver> observers) {
		int bufferSize = (int) Math.min(Integer.MAX_VALUE, properties.getResponse().getBufferSize().toBytes());
		DataSize maxBodySize = properties.getRequest().getMaxBodySize();
		WsgiRequestObserver observer = observers.orderedStream()
			.reduce(WsgiRequestObserver.NONE, WsgiRequestObserver::andThen);
		return new WsgiHandlerSettings(bufferSize, properties.getScheduler().getRetryAfter(),
				properties.getRequest().getTimeout(), properties.getScheduler().getQueueTimeout(),
				(maxBodySize != null) ? maxBodySize.toBytes() : -1, timer, observer,
				properties.getResponse().isIncludeErrorDetails(), properties.getRoutes().getMaxTemplates());
	}

	private static List<WsgiMount> resolveMounts(ObjectProvider<WsgiMount> mounts,
			Map<String, WsgiApplication> applications, WsgiProperties properties) {
		List<WsgiMount> declared = mounts.orderedStream().toList();
		Map<String, WsgiApplication> unmounted = new LinkedHashMap<>(applications);
		unmounted.values().removeIf((application) -> declared.stream().anyMatch((m) -> m.getApplication() == application));
		if (unmounted.isEmpty() && !declared.isEmpty()) {
			return declared;
		}
		if (unmounted.size() != 1) {
			throw new IllegalStateException("Found " + unmounted.size() + " WsgiApplication beans without a WsgiMount "
					+ unmounted.keySet() + ": declare a WsgiMount bean for each to give it a path");
		}
		Map.Entry<String, WsgiApplication> only = unmounted.entrySet().iterator().next();
		WsgiMount mount = new WsgiMount(properties.getRouting().getMountPath(), only.getKey(), only.getValue());
		for (WsgiMount other : declared) {
			if (other.getPath().equals(mount.getPath())) {
				throw new IllegalStateException("Two WSGI mounts at " + mount + " and " + other
						+ ": give the WsgiMount a path other than wsgi.routing.mount-path");
			}
		}
		List<WsgiMount> resolved = new ArrayList<>(declared);
		resolved.add(mount);
		return resolved;
	}

	/**
	 * Hooks in Reactor Netty's pipeline: bytes real clients send unencoded in the request-target reach WSGI
	 * applications as received instead of a 400 from Spring's URI parsing, a {@code Transfer-Encoding} RFC 9112
	 * refuses is answered 400 or 501 before any handler (request smuggling), and HTTP/1.0 keep-alive works.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyServerCustomizer.class, reactor.netty.http.server.HttpServer.class })
	static class ReactorNettyConfiguration {

		/** The name of Netty's flush consolidation handler in a connection's pipeline. */
		static final String FLUSH_CONSOLIDATION = "wsgiflux.flushConsolidation";

		/** As many flushes as Netty's own default before one reaches the socket during a read. */
		private static final int FLUSHES_PER_READ = 256;

		@Bean
		NettyServerCustomizer wsgiRequestTargetCustomizer(WsgiProperties properties) {
			boolean consolidateFlushes = properties.getResponse().isConsolidateFlushes();
			return (server) -> server.doOnChannelInit((observer, channel, remoteAddress) -> {
				if (consolidateFlushes) {
					// Responses from WSGI workers arrive between reads, each with its own flush: over HTTP/2 with many
					// streams a connection then wrote once per response (h2load: 20% more requests per second).
					channel.pipeline().addFirst(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(FLUSHES_PER_READ, true));
				}
				RequestTargetEncoder.install(channel);
				TransferEncodingGuard.install(channel);
				PersistentConnectionHandler.install(channel);
			});
		}

	}

	/**
	 * Lists the static resources the WSGI mapping defers to and logs the resolved routing chain once the context is
	 * refreshed, and keeps the WSGI mapping away from a separate management port.
	 */
	static final class WsgiRoutingListener implements ApplicationListener<org.springframework.context.ApplicationEvent> {

		private static final Log logger = LogFactory.getLog(WsgiRoutingListener.class);

		private static final String MANAGEMENT_NAMESPACE = "management";

		private final ObjectProvider<WsgiHandlerMapping> mapping;

		WsgiRoutingListener(ObjectProvider<WsgiHandlerMapping> mapping) {
			this.mapping = mapping;
		}

		@Override
		public void onApplicationEvent(org.springframework.context.ApplicationEvent event) {
			if (event instanceof WebServerInitializedEvent serverEvent
					&& MANAGEMENT_NAMESPACE.equals(serverEvent.getApplicationContext().getServerNamespace())) {
				WsgiHandlerMapping wsgi = this.mapping.getIfAvailable();
				if (wsgi != null) {
					wsgi.setManagementPort(serverEvent.getWebServer().getPort());
				}
			}
			else if (event instanceof ContextRefreshedEvent refreshed) {
				WsgiHandlerMapping wsgi = this.mapping.getIfAvailable();
				if (wsgi != null) {
					wsgi.indexStaticResources(refreshed.getApplicationContext());
				}
				logChain(refreshed.getApplicationContext());
			}
		}

		private void logChain(ApplicationContext context) {
			WsgiHandlerMapping wsgi = this.mapping.getIfAvailable();
			if (wsgi == null || !context.containsBean("wsgiHandlerMapping") && context.getBeanNamesForType(
					WsgiHandlerMapping.class, false, false).length == 0) {
				return;
			}
			if (logger.isInfoEnabled()) {
				logger.info("WSGI routing chain: " + HandlerMappingChain.of(context.getBeansOfType(HandlerMapping.class)));
			}
		}

	}

}
