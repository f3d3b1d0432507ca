/**
 * The PEP 3333 (WSGI) contract in Java: what a synchronous application implements and what it may rely on.
 * <p>
 * Nothing here depends on Spring or Reactor, so that a legacy code base can implement
 * {@link io.github.wsgiflux.spi.WsgiApplication} with this package alone on its class path.
 */
@NullMarked
package io.github.wsgiflux.spi;

import org.jspecify.annotations.NullMarked;
