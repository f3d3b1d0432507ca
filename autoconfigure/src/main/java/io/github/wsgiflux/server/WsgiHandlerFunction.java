package io.github.wsgiflux.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.github.wsgiflux.spi.Environ;
import io.github.wsgiflux.spi.WsgiInput;
import io.github.wsgiflux.spi.WsgiMount;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
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

	private final MountContext context;

	private final EnvironBuilder environBuilder;

	private final RefusalLog refusals = new RefusalLog();

	private final AtomicLong lastOverloadLog = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_INTERVAL);

	/** Whether requests run only on a worker that is free now, else fail with {@link WsgiWorkersBusyException}. */
	private final boolean idleWorkersOnly;

	private final @Nullable WsgiHandlerFunction onIdleWorkers;

	/**
	 * The exchange attribute that marks a shadow comparison's run of a request (any value): the mount's route table
	 * does not count it, as it is no legacy traffic of its own; the other metrics do.
	 */
	public static final String SHADOW_ATTRIBUTE = WsgiHandlerFunction.class.getName() + ".shadow";

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
		this.context = new MountContext(mount, scheduler, settings);
		this.environBuilder = new EnvironBuilder(mount, environSettings);
		this.idleWorkersOnly = false;
		this.onIdleWorkers = new WsgiHandlerFunction(this);
	}

	private WsgiHandlerFunction(WsgiHandlerFunction queueing) {
		this.context = queueing.context;
		this.environBuilder = queueing.environBuilder;
		this.idleWorkersOnly = true;
		this.onIdleWorkers = null;
	}

	/**
	 * The same handler for requests that must never wait for a worker nor displace another request (a shadow
	 * request that compares the legacy answer with a native one): it runs the application only if the scheduler has a
	 * free worker now, and otherwise fails with {@link WsgiWorkersBusyException} instead of queueing or answering 503.
	 * Such a refusal counts as no rejection.
	 * @return the handler
	 */
	public WsgiHandlerFunction onIdleWorkersOnly() {
		return (this.onIdleWorkers != null) ? this.onIdleWorkers : this;
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
		RequestTarget target = RequestTarget.forHandler(request.exchange());
		if (!HttpProtocols.isSupported(target.protocol())) {
			// Netty accepts any HTTP/x.y; the application is promised HTTP/1.0, 1.1 or 2 in SERVER_PROTOCOL.
			return refuse(request, RefusalLog.Cause.VERSION, 505, method, path,
					"HTTP version not supported: " + target.protocol());
		}
		// Every rule on the request line and the header section is checked here, on the event loop, before a worker
		// is asked for; the body stream is only subscribed to when the application reads it.
		long maxBodySize = this.context.settings().maxBodySize();
		RequestBodyStream input = new RequestBodyStream(() -> limit(httpRequest.getBody(), maxBodySize));
		WsgiErrorsWriter errors = new WsgiErrorsWriter();
		Map<String, Object> environ;
		try {
			environ = this.environBuilder.build(httpRequest, target, new WsgiInput(input), errors);
		}
		catch (InvalidRequestException ex) {
			return refuse(request, ex.refusalCause(), ex.getStatus(), method, path, ex.getMessage());
		}
		if (maxBodySize >= 0) {
			// The header section was just scanned into the environ: no second lookup in the request's headers.
			long contentLength = declaredLength(environ.get(Environ.CONTENT_LENGTH));
			if (contentLength > maxBodySize) {
				return refuse(request, RefusalLog.Cause.BODY_TOO_LARGE, 413, method, path,
						"Content-Length " + contentLength + " > wsgi.request.max-body-size " + maxBodySize);
			}
		}
		if (remoteUser != null) {
			environ.put(Environ.REMOTE_USER, remoteUser);
		}
		if (this.idleWorkersOnly) {
			return Mono.create((sink) -> runOnIdleWorker(request, environ, method, path, input, errors, sink));
		}
		return Mono.create((sink) -> {
			WsgiCall call = startCall(request, environ, method, path, input, errors, sink);
			if (this.context.scheduler().trySchedule(RequestContextPropagation.wrap(call, sink.contextView()))) {
				call.admitted();
			}
			else {
				logOverload();
				call.rejected();
			}
		});
	}

	/** Record the request's start and create its call, cancelled with the exchange. */
	private WsgiCall startCall(ServerRequest request, Map<String, Object> environ, String method, String path,
			RequestBodyStream input, WsgiErrorsWriter errors, MonoSink<ServerResponse> sink) {
		this.context.recorder().started(method, path);
		WsgiCall call = new WsgiCall(this.context, environ, method, path, input, errors,
				request.exchange().getResponse().bufferFactory(), sink);
		if (isShadow(request)) {
			call.shadow();
		}
		sink.onCancel(call::cancel);
		return call;
	}

	private void runOnIdleWorker(ServerRequest request, Map<String, Object> environ, String method, String path,
			RequestBodyStream input, WsgiErrorsWriter errors, MonoSink<ServerResponse> sink) {
		BoundedWsgiScheduler scheduler = this.context.scheduler();
		if (!scheduler.tryReserveIdleWorker()) {
			input.release();
			sink.error(new WsgiWorkersBusyException(scheduler.getThreadCap()));
			return;
		}
		WsgiCall call = startCall(request, environ, method, path, input, errors, sink);
		if (scheduler.scheduleReserved(RequestContextPropagation.wrap(call, sink.contextView()))) {
			call.admitted();
		}
		else {
			call.rejected();
		}
	}

	private static boolean isShadow(ServerRequest request) {
		return request.exchange().getAttribute(SHADOW_ATTRIBUTE) != null;
	}

	/**
	 * The mount this handler serves.
	 * @return the mount
	 */
	public WsgiMount getMount() {
		return this.context.mount();
	}

	/**
	 * The traffic of this mount by route.
	 * @return the routes, or {@code null} when they are not counted
	 */
	public @Nullable RouteTable getRoutes() {
		return this.context.recorder().routes();
	}

	/**
	 * The settings of this handler.
	 * @return the settings
	 */
	public WsgiHandlerSettings getSettings() {
		return this.context.settings();
	}

	/**
	 * Refuse a request before a worker is asked for: logged (throttled), recorded, answered.
	 */
	private Mono<ServerResponse> refuse(ServerRequest request, RefusalLog.Cause cause, int status, String method,
			String path, String reason) {
		this.refusals.refused(cause, status, method, path, reason);
		this.context.recorder().refused(method, path, status, isShadow(request));
		return this.context.answers().refusal(status);
	}

	/**
	 * The length a {@code CONTENT_LENGTH} environ value declares, or -1. Reactor Netty refuses a malformed one before
	 * any handler runs; elsewhere a malformed value is left to the body read, as before any limit.
	 */
	private static long declaredLength(@Nullable Object value) {
		if (value instanceof String text && !text.isEmpty()) {
			try {
				return Long.parseLong(text);
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}
		return -1;
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
			BoundedWsgiScheduler scheduler = this.context.scheduler();
			logger.warn("WSGI scheduler full for mount '" + this.context.mount().getName() + "' ("
					+ scheduler.getThreadCap() + " running, " + scheduler.getQueueCapacity() + " queued): answering 503; "
					+ scheduler.getRejectedCount() + " requests rejected since start");
		}
	}

}
