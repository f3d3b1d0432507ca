package io.github.wsgiflux.migration;

/**
 * One difference between the two sides' answers, readable as it stands.
 * @param at what differs: {@code status}, {@code header Content-Type}, {@code body /a/0/b} (a JSON pointer),
 * {@code body} (bytes), {@code error}
 * @param legacyValue the legacy side's value there
 * @param nativeValue the native side's value there
 */
public record Difference(String at, String legacyValue, String nativeValue) {

	private static final int MAX_VALUE_LENGTH = 200;

	static Difference of(String at, String legacy, String nativeValue) {
		return new Difference(at, shorten(legacy), shorten(nativeValue));
	}

	private static String shorten(String value) {
		return (value.length() <= MAX_VALUE_LENGTH) ? value
				: value.substring(0, MAX_VALUE_LENGTH) + "... (" + value.length() + " chars)";
	}

	@Override
	public String toString() {
		return this.at + ": " + this.legacyValue + " (legacy) != " + this.nativeValue + " (native)";
	}

}
