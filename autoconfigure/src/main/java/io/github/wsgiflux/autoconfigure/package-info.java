/**
 * Spring Boot auto-configuration of wsgiflux: properties under {@code wsgi.*}, the scheduler, the handler mapping and
 * its place in the routing chain.
 */
@NullMarked
package io.github.wsgiflux.autoconfigure;

import org.jspecify.annotations.NullMarked;
