package io.github.wsgiflux.sample;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.test.context.TestPropertySource;

/**
 * The same end-to-end tests with the legacy app on virtual threads; skipped, with the JRE named, below Java 21.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "wsgi.scheduler.virtual-threads needs Java 21 or later")
@TestPropertySource(properties = "wsgi.scheduler.virtual-threads=true")
class SampleApplicationVirtualThreadsTests extends SampleApplicationTests {

}
