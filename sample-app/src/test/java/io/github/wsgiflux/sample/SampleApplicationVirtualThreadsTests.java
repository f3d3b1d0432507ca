package io.github.wsgiflux.sample;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.test.context.TestPropertySource;

/**
 * The same end-to-end tests with the legacy app on virtual threads, switched on the Spring Boot way (the WSGI
 * scheduler follows {@code spring.threads.virtual.enabled}); skipped, with the JRE named, below Java 21.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21 or later")
@TestPropertySource(properties = "spring.threads.virtual.enabled=true")
class SampleApplicationVirtualThreadsTests extends SampleApplicationTests {

}
