package io.github.wsgiflux.server;

import java.io.Writer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The PEP 3333 {@code wsgi.errors} stream: text written by the application is logged line by line at WARN by the
 * logger {@code wsgi.errors}, never printed to standard output. One instance per request, used by the thread that
 * runs the application.
 */
final class WsgiErrorsWriter extends Writer {

	static final Log logger = LogFactory.getLog("wsgi.errors");

	private @Nullable StringBuilder line;

	@Override
	public void write(char[] cbuf, int off, int len) {
		int start = off;
		int end = off + len;
		for (int i = off; i < end; i++) {
			if (cbuf[i] == '\n') {
				append(cbuf, start, i - start);
				emit();
				start = i + 1;
			}
		}
		append(cbuf, start, end - start);
	}

	@Override
	public void write(String str, int off, int len) {
		int start = off;
		int end = off + len;
		int newline;
		while ((newline = str.indexOf('\n', start)) >= 0 && newline < end) {
			if (this.line == null && newline > start) {
				log(str.substring(start, newline));
			}
			else {
				appendString(str, start, newline);
				emit();
			}
			start = newline + 1;
		}
		appendString(str, start, end);
	}

	/**
	 * Log a pending partial line, as a Python file's {@code flush()} makes buffered text visible.
	 */
	@Override
	public void flush() {
		if (this.line != null && !this.line.isEmpty()) {
			emit();
		}
	}

	@Override
	public void close() {
		flush();
	}

	private void append(char[] cbuf, int off, int len) {
		if (len > 0) {
			lineBuffer().append(cbuf, off, len);
		}
	}

	private void appendString(String str, int start, int end) {
		if (end > start) {
			lineBuffer().append(str, start, end);
		}
	}

	private StringBuilder lineBuffer() {
		if (this.line == null) {
			this.line = new StringBuilder(80);
		}
		return this.line;
	}

	private void emit() {
		if (this.line != null) {
			log(this.line.toString());
			this.line.setLength(0);
		}
	}

	private static void log(String text) {
		int end = text.length();
		if (end > 0 && text.charAt(end - 1) == '\r') {
			text = text.substring(0, end - 1);
		}
		if (!text.isEmpty()) {
			logger.warn(text);
		}
	}

}
