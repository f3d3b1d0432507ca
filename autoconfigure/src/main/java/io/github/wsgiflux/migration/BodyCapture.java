package io.github.wsgiflux.migration;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * The body of one side's answer, copied as it is written: the first bytes up to a bound, the total length, and once
 * the bound is passed a SHA-256 of the whole body, so that larger bodies are still compared by length and hash. The
 * buffers are only read, never retained nor released: whoever writes them keeps them. Written by one writer at a
 * time, read once writing ended.
 */
final class BodyCapture {

	private final int bound;

	private byte[] bytes = new byte[0];

	private int captured;

	private long length;

	private @Nullable MessageDigest digest;

	BodyCapture(int bound) {
		this.bound = bound;
	}

	/** Copy the readable bytes of a buffer being written, leaving its positions as they are. */
	void append(DataBuffer buffer) {
		int count = buffer.readableByteCount();
		if (count == 0) {
			return;
		}
		int start = buffer.readPosition();
		int kept = (int) Math.min(count, (long) this.bound - this.captured);
		if (kept > 0) {
			if (this.captured + kept > this.bytes.length) {
				int size = (int) Math.min(this.bound, Math.max(this.captured + kept, 2L * this.bytes.length));
				this.bytes = Arrays.copyOf(this.bytes, size);
			}
			buffer.toByteBuffer(start, ByteBuffer.wrap(this.bytes), this.captured, kept);
			this.captured += kept;
		}
		this.length += count;
		if (this.length > this.bound) {
			MessageDigest sha = this.digest;
			if (sha == null) {
				sha = sha256();
				sha.update(this.bytes, 0, this.captured);
				this.digest = sha;
				if (kept < count) {
					digest(sha, buffer, start + kept, count - kept);
				}
			}
			else {
				digest(sha, buffer, start, count);
			}
		}
	}

	/** The body as captured: complete if it fitted the bound, otherwise its length and hash. */
	Body body() {
		MessageDigest sha = this.digest;
		String hash = (sha != null) ? HexFormat.of().formatHex(sha.digest()) : null;
		return new Body(Arrays.copyOf(this.bytes, this.captured), this.length, hash);
	}

	static String sha256Hex(byte[] bytes) {
		return HexFormat.of().formatHex(sha256().digest(bytes));
	}

	private static void digest(MessageDigest sha, DataBuffer buffer, int from, int count) {
		sha.update(buffer.toByteBuffer(from, count));
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * A captured body.
	 * @param bytes the body, or its first bytes when it was larger than the bound
	 * @param length the whole body's length
	 * @param sha256 the whole body's SHA-256 when it was larger than the bound, else {@code null}
	 */
	record Body(byte[] bytes, long length, @Nullable String sha256) {

		boolean isComplete() {
			return this.sha256 == null;
		}

	}

}
