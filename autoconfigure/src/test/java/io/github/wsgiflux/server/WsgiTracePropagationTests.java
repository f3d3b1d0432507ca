package io.github.wsgiflux.server;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiApplication;
import io.github.wsgiflux.test.Http;
import io.github.wsgiflux.test.NettyLeaks;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trace of the incoming request (W3C {@code traceparent}) is current on the worker thread while the application
 * runs: its MDC holds the trace id, so legacy log lines carry it. Reactor's automatic context propagation is left
 * off (Boot's default, {@code spring.reactor.context-propagation=limited}): the gateway carries the context itself.
 */
@ExtendWith({ OutputCaptureExtension.class, NettyLeaks.class })
@AutoConfigureTracing
@SpringBootTest(classes = WsgiTracePropagationTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0",
				"logging.pattern.correlation=[trace=%X{traceId:-none}] " })
class WsgiTracePropagationTests {

	static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	@LocalServerPort
	int port;

	@Test
	void traceIdOfTheRequestIsInTheMdcOfTheWorkerThread(CapturedOutput output) {
		Http http = new Http(this.port);
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(http.uri("/traced"))
			.header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
			.build());
		assertThat(response.body()).isEqualTo("traceId=" + TRACE_ID);
		await().until(() -> output.getOut().contains("legacy code logging"));
		assertThat(output.getOut()).contains("[trace=" + TRACE_ID + "]");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		WsgiApplication traced() {
			return (environ, start) -> {
				LogFactory.getLog("legacy").info("legacy code logging on " + Thread.currentThread().getName());
				start.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
				return List.of(("traceId=" + MDC.get("traceId")).getBytes(StandardCharsets.UTF_8));
			};
		}

	}

}
