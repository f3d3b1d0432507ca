/**
 * Route-by-route migration: shadow comparison of a legacy WSGI route and its native replacement, in the spirit of
 * GitHub's Scientist and Twitter's Diffy, inside one process. {@link io.github.wsgiflux.migration.ShadowCompareFilter}
 * serves each compared request from one side and runs the other on a copy of the exchange whose answer is captured,
 * never delaying nor failing the client's; {@link io.github.wsgiflux.migration.ResponseComparator} tells the
 * differences and {@link io.github.wsgiflux.migration.MigrationComparisons} keeps the counts and the last mismatches.
 * <p>
 * It may depend on {@code io.github.wsgiflux.server} (the WSGI handler mapping and its scheduler), Spring Framework
 * (WebFlux), Reactor and Jackson (JSON bodies, when present), never on Spring Boot: its wiring, properties, metrics and
 * actuator view live in {@code io.github.wsgiflux.autoconfigure}.
 */
@NullMarked
package io.github.wsgiflux.migration;

import org.jspecify.annotations.NullMarked;
