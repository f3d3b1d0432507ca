package io.github.wsgiflux.server;

import java.io.UncheckedIOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one place that maps a failure to a status: refusals before the application, overload, timeout, and the
 * application's own failures (413 when it read past the body limit, even wrapped, else 500 without details unless
 * they are switched on).
 */
class GatewayAnswersTests {

	private final GatewayAnswers answers = new GatewayAnswers(WsgiHandlerSettings.defaults());

	@Test
	void refusalsBeforeTheApplicationKeepTheirStatus() {
		for (int status : new int[] { 400, 413, 431, 501, 505 }) {
			assertThat(this.answers.refusal(status).block().statusCode().value()).isEqualTo(status);
		}
		assertThat(this.answers.refusal(418).block().statusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
	}

	@Test
	void overloadAnswers503WithRetryAfterAndATimeout504() {
		GatewayAnswers answers = new GatewayAnswers(new WsgiHandlerSettings(1024, Duration.ofSeconds(7), null, null,
				-1, null, WsgiRequestObserver.NONE, false));
		ServerResponse unavailable = answers.serviceUnavailable();
		assertThat(unavailable.statusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(unavailable.headers().getFirst("Retry-After")).isEqualTo("7");
		assertThat(answers.gatewayTimeout().statusCode()).isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
	}

	@Test
	void readingPastTheBodyLimitIs413EvenWhenTheApplicationWrappedIt() {
		RequestBodyTooLargeException tooLarge = new RequestBodyTooLargeException(10);
		Exception wrapped = new IllegalStateException("form parse failed", new UncheckedIOException(
				new java.io.IOException("read failed", tooLarge)));
		assertThat(GatewayAnswers.statusOf(tooLarge)).isEqualTo(413);
		assertThat(GatewayAnswers.statusOf(wrapped)).isEqualTo(413);
		assertThat(GatewayAnswers.bodyTooLarge(wrapped)).isSameAs(tooLarge);
		assertThat(this.answers.failure(wrapped).statusCode()).isEqualTo(HttpStatus.PAYLOAD_TOO_LARGE);
	}

	@Test
	void anyOtherFailureIs500AndNamesNothingUnlessErrorDetailsAreOn() {
		RuntimeException failure = new IllegalArgumentException("secret table name");
		assertThat(GatewayAnswers.statusOf(failure)).isEqualTo(500);
		ServerResponse plain = this.answers.failure(failure);
		assertThat(plain.statusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(plain).isSameAs(this.answers.failure(new RuntimeException("other")));
		GatewayAnswers detailed = new GatewayAnswers(new WsgiHandlerSettings(1024, Duration.ofSeconds(1), null, null,
				-1, null, WsgiRequestObserver.NONE, true));
		ServerResponse withDetails = detailed.failure(failure);
		assertThat(withDetails.statusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(withDetails).isNotSameAs(detailed.failure(failure));
	}

}
