package io.github.wsgiflux.python;

import java.util.ArrayList;
import java.util.List;

import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.PolyglotException.StackFrame;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * Turns what GraalPy throws into what the gateway understands: the Java exception a Python frame passed through
 * (a client abort, an invalid header) as itself, a Python exception as a {@link PythonException} with its traceback.
 */
final class PythonErrors {

	private PythonErrors() {
	}

	static Exception translate(PolyglotException ex) {
		if (ex.isHostException()) {
			Throwable host = ex.asHostException();
			if (host instanceof Exception exception) {
				return exception;
			}
			if (host instanceof Error error) {
				throw error;
			}
		}
		if (ex.isInterrupted() || ex.isCancelled()) {
			InterruptedException interrupted = new InterruptedException("Python execution interrupted");
			interrupted.initCause(ex);
			return interrupted;
		}
		if (ex.isResourceExhausted() || ex.isInternalError()) {
			return new PythonException(ex.getMessage(), ex);
		}
		return new PythonException(traceback(ex), null);
	}

	static RuntimeException unchecked(PolyglotException ex) {
		Exception translated = translate(ex);
		return (translated instanceof RuntimeException runtime) ? runtime
				: new PythonException(translated.getMessage(), translated);
	}

	/**
	 * The exception as Python prints it: {@code Traceback (most recent call last):}, one {@code File} line per Python
	 * frame, oldest first, then {@code Type: message}.
	 * @param ex the guest exception
	 * @return the traceback text
	 */
	static String traceback(PolyglotException ex) {
		List<String> frames = new ArrayList<>();
		for (StackFrame frame : ex.getPolyglotStackTrace()) {
			if (!frame.isGuestFrame()) {
				continue;
			}
			SourceSection location = frame.getSourceLocation();
			StringBuilder line = new StringBuilder("  File \"");
			line.append(fileName(location)).append('"');
			if (location != null && location.hasLines()) {
				line.append(", line ").append(location.getStartLine());
			}
			line.append(", in ").append(frame.getRootName());
			frames.add(line.toString());
		}
		StringBuilder text = new StringBuilder("Traceback (most recent call last):\n");
		for (int i = frames.size() - 1; i >= 0; i--) {
			text.append(frames.get(i)).append('\n');
		}
		return text.append(ex.getMessage()).toString();
	}

	private static String fileName(@Nullable SourceSection location) {
		if (location == null) {
			return "<unknown>";
		}
		String path = location.getSource().getPath();
		return (path != null) ? path : location.getSource().getName();
	}

	static String typeName(Value value) {
		if (value.isNull()) {
			return "None";
		}
		Value type = value.getMetaObject();
		return (type != null) ? type.getMetaSimpleName() : value.toString();
	}

}
