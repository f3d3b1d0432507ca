/**
 * Python WSGI applications (Flask, Bottle, Django, ...) hosted through GraalPy behind the
 * {@link io.github.wsgiflux.spi.WsgiApplication} contract: one interpreter context per worker, a shared engine,
 * warm-up before readiness.
 * <p>
 * It depends on {@code io.github.wsgiflux.spi} and GraalPy's embedding API (and logs through Commons Logging, as
 * Spring does); never on the gateway's {@code io.github.wsgiflux.server}, so that it serves behind any server of the
 * contract.
 */
@NullMarked
package io.github.wsgiflux.python;

import org.jspecify.annotations.NullMarked;
