package io.github.wsgiflux.validate;

/**
 * A breach of PEP 3333 found by {@link WsgiValidator}; the message names the rule. An {@link AssertionError}, as
 * {@code wsgiref.validate} raises, so that it fails tests loudly and is not swallowed by {@code catch (Exception)}.
 */
public class WsgiViolation extends AssertionError {

	private final Side side;

	/**
	 * Create an instance.
	 * @param side who broke the rule
	 * @param message the rule and what was seen
	 */
	public WsgiViolation(Side side, String message) {
		super("PEP 3333 violation by the " + side.name().toLowerCase(java.util.Locale.ROOT) + ": " + message);
		this.side = side;
	}

	/**
	 * Who broke the rule.
	 * @return the side
	 */
	public Side getSide() {
		return this.side;
	}

	/**
	 * The two sides of the contract.
	 */
	public enum Side {

		/** The server: the environ, {@code wsgi.input}, {@code start_response}'s behaviour. */
		SERVER,

		/** The application: status, headers, body, closing. */
		APPLICATION

	}

}
