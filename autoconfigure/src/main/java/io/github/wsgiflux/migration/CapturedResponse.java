package io.github.wsgiflux.migration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * What one side answered: its status, headers and body, or how it failed.
 * @param status the status code (200 when none was set)
 * @param headers the response headers
 * @param body the captured body
 * @param failure what the side failed with instead of answering, if it did
 */
record CapturedResponse(int status, HttpHeaders headers, BodyCapture.Body body, @Nullable Throwable failure) {

	static CapturedResponse failed(Throwable failure) {
		return new CapturedResponse(0, new HttpHeaders(), new BodyCapture.Body(new byte[0], 0, null), failure);
	}

}
