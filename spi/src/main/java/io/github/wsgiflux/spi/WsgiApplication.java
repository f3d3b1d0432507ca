package io.github.wsgiflux.spi;

import java.util.Map;

/**
 * A synchronous web application, the Java form of a PEP 3333 application callable
 * {@code app(environ, start_response)}.
 * <p>
 * The server calls {@link #call} once per request on a worker thread (never on a network event loop), then iterates
 * the returned body on the same thread, then calls {@link AutoCloseable#close()} on it, still on that thread, if the
 * body implements {@link AutoCloseable}. {@code close()} is called exactly once: after success, after an error of the
 * application, and after the client went away.
 * <p>
 * A chunk belongs to the server once it has been yielded or passed to {@link BodyWriter#write}: the application must
 * not modify the array afterwards. Empty chunks are allowed and are never sent.
 *
 * <pre class="code">
 * WsgiApplication hello = (environ, startResponse) -&gt; {
 *     startResponse.start("200 OK", List.of(Header.of("Content-Type", "text/plain")));
 *     return List.of("Hello".getBytes(StandardCharsets.UTF_8));
 * };
 * </pre>
 */
@FunctionalInterface
public interface WsgiApplication {

	/**
	 * Handle one request.
	 * @param environ the request as a mutable PEP 3333 environ (see {@link Environ} for keys and typed accessors)
	 * @param startResponse the {@code start_response} callable; must be called before the first chunk is produced
	 * @return the response body, chunk by chunk; may be {@link AutoCloseable}
	 * @throws Exception any failure: the server answers 500 if nothing was sent yet, else aborts the response
	 */
	Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception;


	/**
	 * Stop the request running on {@code worker}, called from the timer thread when it outlives
	 * {@code wsgi.request.timeout} (its client has had 504 already, or its connection was aborted). By default the
	 * worker thread is interrupted; an application whose code does not see Java interrupts (an interpreter) stops
	 * its own execution here instead. Must not block. The gateway clears the worker's interrupt flag, if any, before
	 * the thread serves another request.
	 * @param worker the thread running the request
	 */
	default void interrupt(Thread worker) {
		worker.interrupt();
	}

}
