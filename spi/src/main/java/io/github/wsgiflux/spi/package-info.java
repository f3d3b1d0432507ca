/**
 * The PEP 3333 (WSGI) contract in Java: what a synchronous application implements
 * ({@link io.github.wsgiflux.spi.WsgiApplication}, {@link io.github.wsgiflux.spi.StartResponse},
 * {@link io.github.wsgiflux.spi.BodyWriter}), what it may rely on in its environ
 * ({@link io.github.wsgiflux.spi.Environ}, {@link io.github.wsgiflux.spi.WsgiInput},
 * {@link io.github.wsgiflux.spi.FileWrapper}), how it is mounted ({@link io.github.wsgiflux.spi.WsgiMount}) and
 * what a server raises for a response it may not send ({@link io.github.wsgiflux.spi.InvalidResponseException}).
 * <p>
 * It depends on the JDK alone (and JSpecify's annotations): no Spring, no Reactor, nothing else of wsgiflux. It ships
 * as the {@code wsgiflux-spi} artifact, so that a legacy code base implements the contract with nothing else on its
 * class path, and any server or bridge (the WebFlux gateway, the Python one) builds on it.
 */
@NullMarked
package io.github.wsgiflux.spi;

import org.jspecify.annotations.NullMarked;
