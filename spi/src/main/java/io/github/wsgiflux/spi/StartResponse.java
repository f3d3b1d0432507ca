package io.github.wsgiflux.spi;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The PEP 3333 {@code start_response} callable.
 * <p>
 * The status and headers are not sent when this is called but when the first non-empty chunk is produced, the first
 * {@link BodyWriter#write} happens, or the body ends. Until then a second call is allowed only with {@code excInfo}
 * and replaces the status and headers; once they were sent, a call with {@code excInfo} rethrows it. A second call
 * without {@code excInfo} is an error.
 */
@FunctionalInterface
public interface StartResponse {

	/**
	 * Start the response.
	 * @param status the status line without protocol, a three digit code, a space and a reason: {@code "200 OK"}
	 * @param headers the response headers, in order; hop-by-hop headers ({@code Connection},
	 * {@code Transfer-Encoding}, ...) are not allowed
	 * @param excInfo the error being reported when the application replaces a response after a failure, else
	 * {@code null}
	 * @return the legacy imperative {@code write} callable
	 * @throws Exception {@code excInfo} itself, when the headers were already sent
	 */
	BodyWriter start(String status, List<Header> headers, @Nullable Throwable excInfo) throws Exception;

	/**
	 * Start the response without error information: {@code start_response(status, headers)}.
	 * @param status the status line without protocol: {@code "200 OK"}
	 * @param headers the response headers, in order
	 * @return the legacy imperative {@code write} callable
	 * @throws Exception when the response was already started
	 */
	default BodyWriter start(String status, List<Header> headers) throws Exception {
		return start(status, headers, null);
	}

}
