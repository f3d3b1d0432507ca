package io.github.wsgiflux.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Raw bytes over a socket, for requests a client library refuses to send.
 */
public final class RawHttp {

	private RawHttp() {
	}

	/**
	 * Send a request with {@code Connection: close} semantics and read until the server closes or a header-only
	 * response ends.
	 */
	public static String exchange(int port, String request) {
		try (Socket socket = new Socket("localhost", port)) {
			socket.setSoTimeout(5000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			try {
				int n;
				while ((n = in.read(buffer)) > 0) {
					out.write(buffer, 0, n);
					String text = out.toString(StandardCharsets.ISO_8859_1);
					int end = text.indexOf("\r\n\r\n");
					if (end >= 0 && complete(text, end)) {
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				// return what arrived
			}
			return out.toString(StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean complete(String text, int headerEnd) {
		String head = text.substring(0, headerEnd).toLowerCase(java.util.Locale.ROOT);
		int index = head.indexOf("\r\ncontent-length:");
		if (index < 0) {
			return false;
		}
		int lineEnd = head.indexOf("\r\n", index + 2);
		long length = Long.parseLong(head.substring(index + 17, (lineEnd < 0) ? head.length() : lineEnd).trim());
		return text.length() - headerEnd - 4 >= length;
	}

}
