package io.github.wsgiflux.test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application most behaviour tests serve: auto-configuration and one {@link TestWsgiApp} mounted at the root.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class TestApplication {

	@Bean
	TestWsgiApp testWsgiApp() {
		return new TestWsgiApp();
	}

}
