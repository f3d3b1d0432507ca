/**
 * Python WSGI applications (Flask, Bottle, Django, ...) hosted through GraalPy behind the {@code WsgiApplication}
 * contract: one interpreter context per worker, a shared engine, warm-up before readiness.
 */
@NullMarked
package io.github.wsgiflux.python;

import org.jspecify.annotations.NullMarked;
