package io.github.wsgiflux.spi;

import java.util.Objects;

/**
 * One response header, a PEP 3333 {@code (name, value)} pair.
 * @param name the header name, an HTTP token
 * @param value the header value, without control characters
 */
public record Header(String name, String value) {

	/**
	 * Create a header.
	 * @param name the header name
	 * @param value the header value
	 */
	public Header {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(value, "value");
	}

	/**
	 * Create a header: {@code Header.of("Content-Type", "text/plain")}.
	 * @param name the header name
	 * @param value the header value
	 * @return the header
	 */
	public static Header of(String name, String value) {
		return new Header(name, value);
	}

}
