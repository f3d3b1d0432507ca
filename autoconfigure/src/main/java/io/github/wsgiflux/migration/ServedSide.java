package io.github.wsgiflux.migration;

/**
 * Which side of a compared route answers the client; the other one runs in the shadow.
 */
public enum ServedSide {

	/**
	 * The legacy WSGI application answers, even where a native handler exists: the native route is a candidate.
	 */
	LEGACY,

	/**
	 * The native handlers answer as they normally would: the route was switched, the legacy one is kept as control.
	 */
	NATIVE;

	/**
	 * The side that runs in the shadow.
	 * @return the other side
	 */
	public ServedSide other() {
		return (this == LEGACY) ? NATIVE : LEGACY;
	}

	/**
	 * The name users write in the configuration and see in reports.
	 * @return {@code legacy} or {@code native}
	 */
	public String label() {
		return (this == LEGACY) ? "legacy" : "native";
	}

}
