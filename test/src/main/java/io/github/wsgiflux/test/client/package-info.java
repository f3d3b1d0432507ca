/**
 * Testing a {@code WsgiApplication} in process: {@link io.github.wsgiflux.test.client.WsgiTestClient} gives Spring's
 * {@code WebTestClient} over the real gateway, every call checked by {@code WsgiValidator}. Depends on the contract
 * ({@code io.github.wsgiflux.spi}), the validator, the gateway ({@code io.github.wsgiflux.server}) and Spring's test
 * support; never on Spring Boot.
 */
@NullMarked
package io.github.wsgiflux.test.client;

import org.jspecify.annotations.NullMarked;
