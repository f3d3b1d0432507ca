/**
 * A lint for WSGI applications and servers, in the spirit of Python's {@code wsgiref.validate}: a wrapper that sits
 * between the two and checks both sides against PEP 3333.
 * <p>
 * It depends on {@code io.github.wsgiflux.spi} and the JDK alone, so that it checks any server and any application
 * of the contract.
 */
@NullMarked
package io.github.wsgiflux.validate;

import org.jspecify.annotations.NullMarked;
