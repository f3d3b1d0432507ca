package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.github.wsgiflux.spi.Header;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The gateway's own answers, and which failure of a request gets which: the one place that maps a refusal before
 * the application (400, 413, 431, 501, 505), overload (503 with {@code Retry-After}), a timeout (504) and a failure
 * of the application (413 when its read of {@code wsgi.input} passed the body limit, else 500) to a status. Every
 * answer but a 500 with error details is built once per mount: a short plain-text body, no stack trace.
 */
final class GatewayAnswers {

	private final boolean includeErrorDetails;

	private final Mono<ServerResponse> badRequest;

	private final ServerResponse payloadTooLarge;

	private final Mono<ServerResponse> payloadTooLargeMono;

	private final Mono<ServerResponse> headersTooLarge;

	private final Mono<ServerResponse> notImplemented;

	private final Mono<ServerResponse> versionNotSupported;

	private final ServerResponse serviceUnavailable;

	private final ServerResponse gatewayTimeout;

	private final ServerResponse internalServerError;

	private final ServerResponse badRequestResponse;

	GatewayAnswers(WsgiHandlerSettings settings) {
		this.includeErrorDetails = settings.includeErrorDetails();
		this.badRequestResponse = fixed(HttpStatus.BAD_REQUEST, List.of());
		this.badRequest = Mono.just(this.badRequestResponse);
		this.payloadTooLarge = fixed(HttpStatus.PAYLOAD_TOO_LARGE, List.of());
		this.payloadTooLargeMono = Mono.just(this.payloadTooLarge);
		this.headersTooLarge = Mono.just(fixed(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, List.of()));
		this.notImplemented = Mono.just(fixed(HttpStatus.NOT_IMPLEMENTED, List.of()));
		this.versionNotSupported = Mono.just(fixed(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, List.of()));
		this.serviceUnavailable = fixed(HttpStatus.SERVICE_UNAVAILABLE,
				List.of(Header.of("Retry-After", Long.toString(Math.max(0, settings.retryAfter().toSeconds())))));
		this.gatewayTimeout = fixed(HttpStatus.GATEWAY_TIMEOUT, List.of());
		this.internalServerError = fixed(HttpStatus.INTERNAL_SERVER_ERROR, List.of());
	}

	/**
	 * The answer to a request refused before a worker was asked for.
	 * @param status 400, 413, 431, 501 or 505 (any other status answers 400)
	 */
	Mono<ServerResponse> refusal(int status) {
		return switch (status) {
			case 413 -> this.payloadTooLargeMono;
			case 431 -> this.headersTooLarge;
			case 501 -> this.notImplemented;
			case 505 -> this.versionNotSupported;
			default -> this.badRequest;
		};
	}

	/**
	 * The client closed the connection before the request body ended: nobody reads this answer as a rule (the
	 * exchange ends with the connection), it only keeps a half-closed client from waiting for nothing.
	 */
	ServerResponse incompleteBody() {
		return this.badRequestResponse;
	}

	/** The scheduler was full, or the request waited past the queue timeout. */
	ServerResponse serviceUnavailable() {
		return this.serviceUnavailable;
	}

	/** The application ran past the request timeout before its response started. */
	ServerResponse gatewayTimeout() {
		return this.gatewayTimeout;
	}

	/**
	 * The status a failure of the application gets when its response has not started: 413 when it read past the
	 * body limit ({@link RequestBodyTooLargeException}, possibly wrapped by the application), else 500.
	 */
	static int statusOf(Throwable failure) {
		return (bodyTooLarge(failure) != null) ? 413 : 500;
	}

	/** The body-limit exception in the causes of a failure, or {@code null}. */
	static @Nullable RequestBodyTooLargeException bodyTooLarge(Throwable failure) {
		Throwable current = failure;
		for (int depth = 0; current != null && depth < 10; depth++) {
			if (current instanceof RequestBodyTooLargeException tooLarge) {
				return tooLarge;
			}
			current = current.getCause();
		}
		return null;
	}

	/**
	 * The answer to a failure of the application, or of the HTTP layer with its response, before anything was sent:
	 * the status {@link #statusOf} gives; a 500 names the exception only with error details on.
	 */
	ServerResponse failure(Throwable failure) {
		if (statusOf(failure) == 413) {
			return this.payloadTooLarge;
		}
		if (!this.includeErrorDetails) {
			return this.internalServerError;
		}
		byte[] body = ("500 Internal Server Error\n" + failure + "\n").getBytes(StandardCharsets.UTF_8);
		return new WsgiServerResponse(HttpStatus.INTERNAL_SERVER_ERROR,
				List.of(Header.of("Content-Type", "text/plain; charset=utf-8")), body);
	}

	private static ServerResponse fixed(HttpStatus status, List<Header> extraHeaders) {
		byte[] body = (status.value() + " " + status.getReasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
		List<Header> headers = new ArrayList<>(extraHeaders);
		headers.add(Header.of("Content-Type", "text/plain; charset=utf-8"));
		return new WsgiServerResponse(status, List.copyOf(headers), body);
	}

}
