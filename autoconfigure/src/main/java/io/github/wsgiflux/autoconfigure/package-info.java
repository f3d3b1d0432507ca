/**
 * Spring Boot auto-configuration of wsgiflux: properties under {@code wsgi.*}, the scheduler, the handler mapping and
 * its place in the routing chain, the actuator endpoint, health and metrics.
 * <p>
 * The only package of {@code wsgiflux-spring-boot} that depends on Spring Boot; it wires
 * {@code io.github.wsgiflux.server} around the contract of {@code io.github.wsgiflux.spi}. Other modules that plug into
 * Spring Boot (such as {@code wsgiflux-python}) build on it, never on the server package.
 */
@NullMarked
package io.github.wsgiflux.autoconfigure;

import org.jspecify.annotations.NullMarked;
