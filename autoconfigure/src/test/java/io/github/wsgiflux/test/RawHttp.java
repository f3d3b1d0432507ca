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

	/**
	 * Read a response head (through the empty line) from a connection that stays open.
	 * @param in the connection's input
	 * @return the head
	 */
	public static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed in the head: " + head.toString(StandardCharsets.ISO_8859_1));
			}
			head.write(b);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Read one response that has a {@code Content-Length} from a connection that stays open, body included.
	 * @param in the connection's input
	 * @return the head
	 */
	public static String readResponse(InputStream in) throws IOException {
		String head = readHead(in);
		String lower = head.toLowerCase(java.util.Locale.ROOT);
		int index = lower.indexOf("content-length:");
		if (index < 0) {
			throw new IOException("No length the client can tell: " + head);
		}
		int end = lower.indexOf("\r\n", index);
		int length = Integer.parseInt(lower.substring(index + 15, end).trim());
		if (in.readNBytes(length).length != length) {
			throw new IOException("Connection closed in the body of: " + head);
		}
		return head;
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
