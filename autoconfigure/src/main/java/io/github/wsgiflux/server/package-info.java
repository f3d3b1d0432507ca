/**
 * The WebFlux gateway that serves {@link io.github.wsgiflux.spi.WsgiApplication}s: environ building, the handler
 * mapping and function, the response bridge, the bounded scheduler, the Reactor Netty hooks.
 * <p>
 * It may depend on {@code io.github.wsgiflux.spi}, Spring Framework (WebFlux, and Spring Security when present),
 * Reactor, Reactor Netty and Netty, but never on Spring Boot: the Boot wiring lives in
 * {@code io.github.wsgiflux.autoconfigure}. Nothing outside {@code wsgiflux-spring-boot} should depend on it either.
 */
@NullMarked
package io.github.wsgiflux.server;

import org.jspecify.annotations.NullMarked;
