/**
 * Spring Boot auto-configuration of Python WSGI applications: properties under {@code wsgi.python.*}, the
 * application bean, its mount and the warm-up before readiness.
 */
@NullMarked
package io.github.wsgiflux.python.autoconfigure;

import org.jspecify.annotations.NullMarked;
