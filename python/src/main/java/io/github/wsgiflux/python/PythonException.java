package io.github.wsgiflux.python;

import org.jspecify.annotations.Nullable;

/**
 * An exception raised by Python code, carrying its Python traceback as the message (and no Java stack trace, which
 * would only show the bridge). The gateway logs it and answers 500, or aborts a response already started; the client
 * never sees it.
 */
public class PythonException extends RuntimeException {

	PythonException(String traceback, @Nullable Throwable cause) {
		super(traceback, cause, false, false);
	}

}
