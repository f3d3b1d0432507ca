package io.github.wsgiflux.python.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import io.github.wsgiflux.autoconfigure.WsgiAutoConfiguration;
import io.github.wsgiflux.autoconfigure.WsgiProperties;
import io.github.wsgiflux.python.PythonWsgiApplication;
import io.github.wsgiflux.spi.WsgiMount;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Hosts the Python WSGI application named by {@code wsgi.python.app} through GraalPy, provides the {@link Engine}
 * that every Python application of the context shares (one compiler and its compiled code), and warms
 * up every {@link PythonWsgiApplication} bean before the application reports ready.
 */
@AutoConfiguration(before = WsgiAutoConfiguration.class)
@ConditionalOnClass({ Context.class, PythonWsgiApplication.class })
@EnableConfigurationProperties({ WsgiPythonProperties.class, WsgiProperties.class })
public final class WsgiPythonAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WsgiPythonAutoConfiguration.class);

	/** Implementation name of Truffle's fallback runtime, which never compiles guest code. */
	private static final String INTERPRETED = "Interpreted";

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Engine pythonEngine(WsgiPythonProperties properties) {
		Engine engine = Engine.newBuilder("python")
			.allowExperimentalOptions(true)
			.options(properties.getEngineOptions())
			.build();
		String runtime = engine.getImplementationName();
		String line = "GraalPy (Python " + engine.getLanguages().get("python").getVersion() + ") on the " + runtime
				+ " Truffle runtime";
		if (INTERPRETED.equals(runtime)) {
			// The JVM lacks the Graal compiler or JVMCI: Python code runs about ten times slower than with it.
			logger.warn(line + ": Python code is interpreted only; see the set-up of the optimized runtime in "
					+ "wsgiflux's README");
		}
		else {
			logger.info(line);
		}
		return engine;
	}

	@Bean
	@ConditionalOnMissingBean
	static PythonWarmUp pythonWarmUp(ObjectProvider<PythonWsgiApplication> applications,
			ObjectProvider<WsgiMount> mounts, ApplicationEventPublisher publisher) {
		return new PythonWarmUp(applications, mounts, publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("wsgi.python.app")
	static class PythonApplicationConfiguration {

		@Bean(destroyMethod = "close")
		PythonWsgiApplication pythonWsgiApplication(WsgiPythonProperties properties, WsgiProperties wsgi,
				Environment environment, Engine engine) {
			Duration retryAfter = properties.isRefuseWhileLoading() ? properties.getLoadingRetryAfter() : null;
			PythonWsgiApplication.Builder builder = PythonWsgiApplication.builder(properties.getApp())
				.path(properties.getPath().stream().map(PythonApplicationConfiguration::absolute).toList())
				.warmUp(properties.isWarmUp())
				.bytecodeCache(properties.getBytecodeCache())
				.loadingRetryAfter(retryAfter)
				.engine(engine);
			if (properties.getContexts() != null) {
				builder.contexts(properties.getContexts());
			}
			properties.getOptions().forEach(builder::option);
			PythonWsgiApplication application = builder.build();
			int threadCap = wsgi.getScheduler().getThreadCap();
			if (application.getContexts() < threadCap && !wsgi.getScheduler().determineVirtualThreads(environment)) {
				logger.info("Python WSGI application '" + application.getApp() + "': " + application.getContexts()
						+ " interpreter context(s) for up to " + threadCap + " worker threads; a request finding "
						+ "every context busy waits for one (set wsgi.python.contexts and wsgi.scheduler.thread-cap "
						+ "alike to refuse it with 503 instead)");
			}
			return application;
		}

		@Bean
		@ConditionalOnProperty("wsgi.python.mount-path")
		WsgiMount pythonWsgiMount(PythonWsgiApplication application, WsgiPythonProperties properties) {
			return new WsgiMount(properties.getMountPath(), "python", application);
		}

		private static String absolute(String folder) {
			return Path.of(folder).toAbsolutePath().normalize().toString();
		}

	}

}
