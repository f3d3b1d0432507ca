/**
 * Spring Boot auto-configuration of Python WSGI applications: properties under {@code wsgi.python.*}, the
 * application bean, its mount and the warm-up before readiness.
 * <p>
 * It may depend on {@code io.github.wsgiflux.python}, {@code io.github.wsgiflux.spi}, Spring Boot and the gateway's
 * auto-configuration ({@code io.github.wsgiflux.autoconfigure}: its ordering and properties), never on
 * {@code io.github.wsgiflux.server}.
 */
@NullMarked
package io.github.wsgiflux.python.autoconfigure;

import org.jspecify.annotations.NullMarked;
