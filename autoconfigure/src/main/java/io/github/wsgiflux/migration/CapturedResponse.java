package io.github.wsgiflux.migration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponse;

/**
 * What one side answered: its status, headers and body, or how it failed.
 * @param status the status code (200 when none was set)
 * @param headers the response headers
 * @param body the captured body
 * @param failure what the side failed with instead of answering, if it did
 * @param raised the client error the side raised instead of writing its answer (such as a
 * {@code ResponseStatusException} 404 or a {@code NoResourceFoundException}), whose status is its answer; its body is
 * the error handler's rendering, not the route's, so it is not captured
 */
record CapturedResponse(int status, HttpHeaders headers, BodyCapture.Body body, @Nullable Throwable failure,
		@Nullable Throwable raised) {

	private static final BodyCapture.Body NO_BODY = new BodyCapture.Body(new byte[0], 0, null);

	CapturedResponse(int status, HttpHeaders headers, BodyCapture.Body body) {
		this(status, headers, body, null, null);
	}

	/**
	 * What a side that ended with an exception answered: a client error ({@link ErrorResponse} with a 4xx status) is
	 * an answer with that status and the exception's headers, anything else a failure.
	 * @param ex what the side ended with
	 * @return the side's answer
	 */
	static CapturedResponse of(Throwable ex) {
		if (ex instanceof ErrorResponse error && error.getStatusCode().is4xxClientError()) {
			HttpHeaders headers = new HttpHeaders();
			headers.addAll(error.getHeaders());
			return new CapturedResponse(error.getStatusCode().value(), headers, NO_BODY, null, ex);
		}
		return new CapturedResponse(0, new HttpHeaders(), NO_BODY, ex, null);
	}

}
