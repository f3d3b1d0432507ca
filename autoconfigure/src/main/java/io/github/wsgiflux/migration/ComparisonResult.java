package io.github.wsgiflux.migration;

import java.util.Locale;

/**
 * How one compared request ended.
 */
public enum ComparisonResult {

	/** Both sides answered alike. */
	MATCH,

	/** The sides answered differently. */
	MISMATCH,

	/** A side failed (an exception, or a 5xx answer): nothing to compare. */
	ERROR,

	/** The shadow side did not run (no idle WSGI worker, or a request body that cannot be replayed). */
	SKIPPED;

	/**
	 * The tag value: {@code match}, {@code mismatch}, {@code error} or {@code skipped}.
	 * @return the lower-case name
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
