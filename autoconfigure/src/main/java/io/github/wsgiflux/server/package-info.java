/**
 * The WebFlux side of wsgiflux: environ building, the handler function, the response bridge, the bounded scheduler
 * and the routing. Spring WebFlux and Reactor, no Spring Boot.
 */
@NullMarked
package io.github.wsgiflux.server;

import org.jspecify.annotations.NullMarked;
