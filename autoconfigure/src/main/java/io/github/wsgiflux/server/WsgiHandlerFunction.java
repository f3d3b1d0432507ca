package io.github.wsgiflux.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.wsgiflux.server.WsgiRequestRecord.Outcome;
import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.Header;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The WebFlux handler of one {@link WsgiMount}: builds the environ on the event loop (cheap, the body is not read),
 * then submits one task per request to the {@link BoundedWsgiScheduler}. A full scheduler answers {@code 503} with
 * {@code Retry-After} at once; a path that cannot be decoded answers {@code 400}; a declared body over the limit
 * answers {@code 413} before the application runs.
 */
public final class WsgiHandlerFunction implements HandlerFunction<ServerResponse> {

	private static final Log logger = LogFactory.getLog(WsgiHandlerFunction.class);

	private static final long OVERLOAD_LOG_INTERVAL = Duration.ofSeconds(1).toNanos();

	private final WsgiMount mount;

	private final BoundedWsgiScheduler scheduler;

	private final WsgiHandlerSettings settings;

	private final EnvironBuilder environBuilder;

	private final Mono<ServerResponse> badRequest;

	private final ServerResponse payloadTooLarge;

	private final Mono<ServerResponse> payloadTooLargeMono;

	private final ServerResponse serviceUnavailable;

	private final ServerResponse gatewayTimeout;

	private final ServerResponse internalServerError;

	private final Mono<ServerResponse> versionNotSupported;

	private final Mono<ServerResponse> headersTooLarge;

	private final Mono<ServerResponse> notImplemented;

	private final RefusalLog refusals = new RefusalLog();

	private final AtomicLong lastOverloadLog = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL);

	/**
	 * Create a handler.
	 * @param mount the application and its mount path
	 * @param scheduler the scheduler that runs the application
	 * @param settings buffer size, limits, timeouts and the observer
	 */
	public WsgiHandlerFunction(WsgiMount mount, BoundedWsgiScheduler scheduler, WsgiHandlerSettings settings) {
		this(mount, scheduler, settings, WsgiEnvironSettings.defaults());
	}

	/**
	 * Create a handler.
	 * @param mount the application and its mount path
	 * @param scheduler the scheduler that runs the application
	 * @param settings buffer size, limits, timeouts and the observer
	 * @param environSettings the header limit and the forwarded-headers handling of the environ
	 */
	public WsgiHandlerFunction(WsgiMount mount, BoundedWsgiScheduler scheduler, WsgiHandlerSettings settings,
			WsgiEnvironSettings environSettings) {
		this.mount = mount;
		this.scheduler = scheduler;
		this.settings = settings;
		this.environBuilder = new EnvironBuilder(mount, environSettings);
		this.badRequest = Mono.just(fixed(HttpStatus.BAD_REQUEST, List.of()));
		this.versionNotSupported = Mono.just(fixed(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, List.of()));
		this.headersTooLarge = Mono.just(fixed(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, List.of()));
		this.notImplemented = Mono.just(fixed(HttpStatus.NOT_IMPLEMENTED, List.of()));
		this.payloadTooLarge = fixed(HttpStatus.PAYLOAD_TOO_LARGE, List.of());
		this.payloadTooLargeMono = Mono.just(this.payloadTooLarge);
		this.serviceUnavailable = fixed(HttpStatus.SERVICE_UNAVAILABLE,
				List.of(Header.of("Retry-After", Long.toString(Math.max(0, settings.retryAfter().toSeconds())))));
		this.gatewayTimeout = fixed(HttpStatus.GATEWAY_TIMEOUT, List.of());
		this.internalServerError = fixed(HttpStatus.INTERNAL_SERVER_ERROR, List.of());
	}

	@Override
	public Mono<ServerResponse> handle(ServerRequest request) {
		if (RemoteUsers.SECURITY_PRESENT) {
			return RemoteUsers.of(request.exchange()).flatMap((user) -> handle(request, user.orElse(null)));
		}
		return handle(request, null);
	}

	private Mono<ServerResponse> handle(ServerRequest request, @Nullable String remoteUser) {
		ServerHttpRequest httpRequest = request.exchange().getRequest();
		String method = httpRequest.getMethod().name();
		String path = httpRequest.getPath().value();
		RequestTarget target = RequestTarget.of(request.exchange());
		if (!HttpProtocols.isSupported(target.protocol())) {
			// Netty accepts any HTTP/x.y; the application is promised HTTP/1.0, 1.1 or 2 in SERVER_PROTOCOL.
			this.refusals.refused(RefusalLog.Cause.VERSION, 505, method, path,
					"HTTP version not supported: " + target.protocol());
			refused(method, path, 505);
			return this.versionNotSupported;
		}
		// Every rule on the request line and the header section is checked here, on the event loop, before a worker
		// is asked for; the body stream is only subscribed to when the application reads it.
		long maxBodySize = this.settings.maxBodySize();
		RequestBodyStream input = new RequestBodyStream(() -> limit(httpRequest.getBody(), maxBodySize));
		WsgiErrorsWriter errors = new WsgiErrorsWriter();
		Map<String, Object> environ;
		try {
			environ = this.environBuilder.build(httpRequest, target, new WsgiInput(input), errors);
		}
		catch (InvalidRequestException ex) {
			int status = ex.getStatus();
			this.refusals.refused(ex.refusalCause(), status, method, path, ex.getMessage());
			refused(method, path, status);
			return switch (status) {
				case 431 -> this.headersTooLarge;
				case 501 -> this.notImplemented;
				default -> this.badRequest;
			};
		}
		if (maxBodySize >= 0 && httpRequest.getHeaders().getContentLength() > maxBodySize) {
			this.refusals.refused(RefusalLog.Cause.BODY_TOO_LARGE, 413, method, path, "Content-Length "
					+ httpRequest.getHeaders().getContentLength() + " > wsgi.request.max-body-size " + maxBodySize);
			refused(method, path, 413);
			return this.payloadTooLargeMono;
		}
		if (remoteUser != null) {
			environ.put(Environ.REMOTE_USER, remoteUser);
		}
		return Mono.create((sink) -> {
			WsgiRequestObserver observer = this.settings.observer();
			if (observer != WsgiRequestObserver.NONE) {
				observer.requestStarted(this.mount.getName(), method, path);
			}
			WsgiCall call = new WsgiCall(this, environ, method, path, input, errors,
					request.exchange().getResponse().bufferFactory(), sink);
			sink.onCancel(call::cancel);
			if (this.scheduler.trySchedule(RequestContextPropagation.wrap(call, sink.contextView()))) {
				call.admitted();
			}
			else {
				logOverload();
				call.rejected();
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

	/**
	 * The settings of this handler.
	 * @return the settings
	 */
	public WsgiHandlerSettings getSettings() {
		return this.settings;
	}

	BoundedWsgiScheduler getScheduler() {
		return this.scheduler;
	}

	ServerResponse internalServerError(Throwable ex) {
		if (!this.settings.includeErrorDetails()) {
			return this.internalServerError;
		}
		byte[] body = ("500 Internal Server Error\n" + ex + "\n").getBytes(StandardCharsets.UTF_8);
		return new WsgiServerResponse(HttpStatus.INTERNAL_SERVER_ERROR,
				List.of(Header.of("Content-Type", "text/plain; charset=utf-8")), body);
	}

	ServerResponse serviceUnavailable() {
		return this.serviceUnavailable;
	}

	ServerResponse gatewayTimeout() {
		return this.gatewayTimeout;
	}

	ServerResponse payloadTooLarge() {
		return this.payloadTooLarge;
	}

	private void refused(String method, String path, int status) {
		WsgiRequestObserver observer = this.settings.observer();
		if (observer != WsgiRequestObserver.NONE) {
			observer.requestStarted(this.mount.getName(), method, path);
			observer.requestEnded(new WsgiRequestRecord(this.mount.getName(), method, path, status,
					Outcome.BAD_REQUEST, 0, 0, 0));
		}
	}

	private static Publisher<DataBuffer> limit(Flux<DataBuffer> body, long maxBodySize) {
		if (maxBodySize < 0) {
			return body;
		}
		long[] total = { 0 };
		return body.map((buffer) -> {
			total[0] += buffer.readableByteCount();
			if (total[0] > maxBodySize) {
				DataBufferUtils.release(buffer);
				throw new RequestBodyTooLargeException(maxBodySize);
			}
			return buffer;
		});
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
