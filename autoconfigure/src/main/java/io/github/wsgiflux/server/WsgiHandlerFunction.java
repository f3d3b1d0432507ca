package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiInput;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The WebFlux handler of one {@link WsgiMount}: builds the environ on the event loop (cheap, the body is not read),
 * then submits one task per request to the {@link BoundedWsgiScheduler}. A full scheduler answers {@code 503} with
 * {@code Retry-After} at once; a path that cannot be decoded answers {@code 400}.
 */
public final class WsgiHandlerFunction implements HandlerFunction<ServerResponse> {

	private static final Log logger = LogFactory.getLog(WsgiHandlerFunction.class);

	private static final long OVERLOAD_LOG_INTERVAL = Duration.ofSeconds(1).toNanos();

	private final WsgiMount mount;

	private final BoundedWsgiScheduler scheduler;

	private final EnvironBuilder environBuilder;

	private final int bufferSize;

	private final ServerResponse badRequest;

	private final ServerResponse serviceUnavailable;

	private final ServerResponse internalServerError;

	private final AtomicLong lastOverloadLog = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL);

	/**
	 * Create a handler.
	 * @param mount the application and its mount path
	 * @param scheduler the scheduler that runs the application
	 * @param bufferSize the largest response buffer handed to the server, in bytes
	 * @param retryAfter the {@code Retry-After} of a 503 on overload
	 */
	public WsgiHandlerFunction(WsgiMount mount, BoundedWsgiScheduler scheduler, int bufferSize, Duration retryAfter) {
		if (bufferSize < 1) {
			throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
		}
		this.mount = mount;
		this.scheduler = scheduler;
		this.environBuilder = new EnvironBuilder(mount);
		this.bufferSize = bufferSize;
		this.badRequest = fixed(HttpStatus.BAD_REQUEST, List.of());
		this.serviceUnavailable = fixed(HttpStatus.SERVICE_UNAVAILABLE,
				List.of(Header.of("Retry-After", Long.toString(Math.max(0, retryAfter.toSeconds())))));
		this.internalServerError = fixed(HttpStatus.INTERNAL_SERVER_ERROR, List.of());
	}

	@Override
	public Mono<ServerResponse> handle(ServerRequest request) {
		ServerHttpRequest httpRequest = request.exchange().getRequest();
		RequestBodyStream input = new RequestBodyStream(httpRequest.getBody());
		WsgiErrorsWriter errors = new WsgiErrorsWriter();
		Map<String, Object> environ;
		try {
			environ = this.environBuilder.build(httpRequest, new WsgiInput(input), errors);
		}
		catch (InvalidRequestException ex) {
			logger.info("Bad request " + httpRequest.getMethod().name() + " " + httpRequest.getPath().value() + ": "
					+ ex.getMessage());
			return Mono.just(this.badRequest);
		}
		String method = httpRequest.getMethod().name();
		String path = httpRequest.getPath().value();
		return Mono.create((sink) -> {
			WsgiCall call = new WsgiCall(this, environ, method, path, input, errors,
					request.exchange().getResponse().bufferFactory(), sink);
			sink.onCancel(call::cancel);
			if (!this.scheduler.trySchedule(call)) {
				logOverload();
				sink.success(this.serviceUnavailable);
			}
		});
	}

	/**
	 * The mount this handler serves.
	 * @return the mount
	 */
	public WsgiMount getMount() {
		return this.mount;
	}

	int getBufferSize() {
		return this.bufferSize;
	}

	ServerResponse internalServerError() {
		return this.internalServerError;
	}

	private void logOverload() {
		long now = System.nanoTime();
		long last = this.lastOverloadLog.get();
		if (now - last >= OVERLOAD_LOG_INTERVAL && this.lastOverloadLog.compareAndSet(last, now)) {
			logger.warn("WSGI scheduler full for mount '" + this.mount.getName() + "' (" + this.scheduler.getThreadCap()
					+ " running, " + this.scheduler.getQueueCapacity() + " queued): answering 503; "
					+ this.scheduler.getRejectedCount() + " requests rejected since start");
		}
	}

	private static ServerResponse fixed(HttpStatus status, List<Header> extraHeaders) {
		byte[] body = (status.value() + " " + status.getReasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
		List<Header> headers = new ArrayList<>(extraHeaders);
		headers.add(Header.of("Content-Type", "text/plain; charset=utf-8"));
		return new WsgiServerResponse(status, List.copyOf(headers), body);
	}

}
