package io.github.wsgiflux.migration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.util.ClassUtils;

/**
 * Compares the two sides' answers to one request: the status, {@code Content-Type} (as media types, so that
 * {@code charset=UTF-8} equals {@code charset=utf-8}), the rule's chosen headers, and the body: JSON as JSON (with
 * Jackson, when present) ignoring the rule's JSON pointers, other bodies byte for byte after the rule's normaliser,
 * and bodies larger than the capture bound by length and SHA-256. A side that failed, or answered 5xx, makes an
 * {@link ComparisonResult#ERROR error}; a side that raised a client error (a 4xx {@code ErrorResponse} such as
 * {@code NoResourceFoundException}) answered that status, and is compared by its status alone. CPU work, never on
 * an event loop: the filter runs it on a parallel worker.
 */
final class ResponseComparator {

	private static final boolean JACKSON_PRESENT = ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper",
			ResponseComparator.class.getClassLoader());

	/** Differences kept per comparison: enough to read, bounded for the ring. */
	private static final int MAX_DIFFERENCES = 20;

	private ResponseComparator() {
	}

	static Comparison compare(CompareRule rule, boolean head, CapturedResponse legacy, CapturedResponse nativeSide) {
		List<Difference> differences = new ArrayList<>();
		if (legacy.failure() != null || nativeSide.failure() != null || legacy.status() >= 500
				|| nativeSide.status() >= 500) {
			differences.add(Difference.of("error", describe(legacy), describe(nativeSide)));
			return new Comparison(ComparisonResult.ERROR, differences);
		}
		if (legacy.status() != nativeSide.status()) {
			differences.add(Difference.of("status", status(legacy), status(nativeSide)));
		}
		if (legacy.raised() != null || nativeSide.raised() != null) {
			// A raised client error is answered by the error handler, not the route: only its status compares.
			return new Comparison(differences.isEmpty() ? ComparisonResult.MATCH : ComparisonResult.MISMATCH,
					differences);
		}
		MediaType legacyType = contentType(legacy.headers());
		MediaType nativeType = contentType(nativeSide.headers());
		String legacyTypeText = Objects.toString(legacy.headers().getFirst(HttpHeaders.CONTENT_TYPE), "(absent)");
		String nativeTypeText = Objects.toString(nativeSide.headers().getFirst(HttpHeaders.CONTENT_TYPE), "(absent)");
		if ((legacyType != null && nativeType != null) ? !legacyType.equals(nativeType)
				: !legacyTypeText.equals(nativeTypeText)) {
			differences.add(Difference.of("header Content-Type", legacyTypeText, nativeTypeText));
		}
		for (String name : rule.getHeaders()) {
			List<String> legacyValues = legacy.headers().getValuesAsList(name);
			List<String> nativeValues = nativeSide.headers().getValuesAsList(name);
			if (!legacyValues.equals(nativeValues)) {
				differences.add(Difference.of("header " + name, values(legacyValues), values(nativeValues)));
			}
		}
		if (!head) {
			compareBodies(rule, legacy, legacyType, nativeSide, nativeType, differences);
		}
		return new Comparison(differences.isEmpty() ? ComparisonResult.MATCH : ComparisonResult.MISMATCH, differences);
	}

	private static void compareBodies(CompareRule rule, CapturedResponse legacy, @Nullable MediaType legacyType,
			CapturedResponse nativeSide, @Nullable MediaType nativeType, List<Difference> differences) {
		BodyCapture.Body legacyBody = legacy.body();
		BodyCapture.Body nativeBody = nativeSide.body();
		if (!legacyBody.isComplete() || !nativeBody.isComplete()) {
			String legacyHash = hash(legacyBody);
			String nativeHash = hash(nativeBody);
			if (legacyBody.length() != nativeBody.length() || !legacyHash.equals(nativeHash)) {
				differences.add(Difference.of("body (over " + rule.getMaxBodySize() + " bytes: length, SHA-256)",
						legacyBody.length() + " bytes, " + legacyHash, nativeBody.length() + " bytes, " + nativeHash));
			}
			return;
		}
		if (JACKSON_PRESENT && isJson(legacyType) && isJson(nativeType)
				&& JsonDiff.compare(legacyBody.bytes(), nativeBody.bytes(), rule.getIgnoredPointers(),
						differences.size() + MAX_DIFFERENCES, differences)) {
			return;
		}
		BodyNormalizer normalizer = rule.getNormalizer();
		byte[] legacyBytes = (normalizer != null) ? normalizer.normalize(legacyType, legacyBody.bytes())
				: legacyBody.bytes();
		byte[] nativeBytes = (normalizer != null) ? normalizer.normalize(nativeType, nativeBody.bytes())
				: nativeBody.bytes();
		int offset = Arrays.mismatch(legacyBytes, nativeBytes);
		if (offset >= 0) {
			differences.add(Difference.of("body (first difference at byte " + offset + ")",
					excerpt(legacyBytes, offset), excerpt(nativeBytes, offset)));
		}
	}

	private static String status(CapturedResponse side) {
		Throwable raised = side.raised();
		return (raised != null) ? side.status() + " (raised " + raised.getClass().getSimpleName() + ")"
				: Integer.toString(side.status());
	}

	private static String describe(CapturedResponse side) {
		Throwable failure = side.failure();
		if (failure != null) {
			return failure.getClass().getSimpleName() + ": " + failure.getMessage();
		}
		return "status " + side.status();
	}

	private static @Nullable MediaType contentType(HttpHeaders headers) {
		try {
			return headers.getContentType();
		}
		catch (InvalidMediaTypeException ex) {
			return null;
		}
	}

	private static boolean isJson(@Nullable MediaType type) {
		return type != null && (MediaType.APPLICATION_JSON.isCompatibleWith(type)
				|| (type.getSubtypeSuffix() != null && type.getSubtypeSuffix().equals("json")));
	}

	private static String values(List<String> values) {
		return values.isEmpty() ? "(absent)" : String.join(", ", values);
	}

	private static String hash(BodyCapture.Body body) {
		String hash = body.sha256();
		return (hash != null) ? hash : BodyCapture.sha256Hex(body.bytes());
	}

	/** Up to 40 bytes from a little before the offset, as text (ISO-8859-1 keeps every byte visible). */
	private static String excerpt(byte[] bytes, int offset) {
		if (offset >= bytes.length) {
			return "(ends after " + bytes.length + " bytes)";
		}
		int from = Math.max(0, offset - 10);
		int to = Math.min(bytes.length, from + 40);
		return "\"" + new String(bytes, from, to - from, StandardCharsets.ISO_8859_1) + "\" (" + bytes.length + " bytes)";
	}

	/**
	 * The outcome of one comparison.
	 * @param result match, mismatch or error
	 * @param differences what differs, in the order compared
	 */
	record Comparison(ComparisonResult result, List<Difference> differences) {

	}

}
