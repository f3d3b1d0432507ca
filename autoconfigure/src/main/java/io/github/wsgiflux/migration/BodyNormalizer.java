package io.github.wsgiflux.migration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;

/**
 * Rewrites a non-JSON body before the two sides are compared byte for byte, to remove known noise (a timestamp, a
 * CSRF token, a build number). Named per compared route by the bean name.
 */
@FunctionalInterface
public interface BodyNormalizer {

	/**
	 * Normalise one side's body.
	 * @param contentType the body's content type, if any
	 * @param body the captured body
	 * @return the body to compare
	 */
	byte[] normalize(@Nullable MediaType contentType, byte[] body);

}
