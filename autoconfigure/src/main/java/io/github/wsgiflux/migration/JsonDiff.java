package io.github.wsgiflux.migration;

import java.util.List;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * JSON bodies compared as JSON with Jackson: member order and white space do not count; what differs is named by its
 * JSON pointer (RFC 6901) with both values. Ignored pointers leave out the value there and everything below it.
 */
final class JsonDiff {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private JsonDiff() {
	}

	/**
	 * Compare two bodies, adding what differs.
	 * @return whether both were JSON; {@code false} when either is not, and nothing was added
	 */
	static boolean compare(byte[] legacy, byte[] nativeBody, List<String> ignored, int limit, List<Difference> into) {
		JsonNode legacyTree;
		JsonNode nativeTree;
		try {
			legacyTree = MAPPER.readTree(legacy);
			nativeTree = MAPPER.readTree(nativeBody);
		}
		catch (JacksonException ex) {
			return false;
		}
		diff("", legacyTree, nativeTree, ignored, limit, into);
		return true;
	}

	private static void diff(String pointer, JsonNode legacy, JsonNode nativeNode, List<String> ignored, int limit,
			List<Difference> into) {
		if (into.size() >= limit || isIgnored(pointer, ignored)) {
			return;
		}
		if (legacy.isObject() && nativeNode.isObject()) {
			TreeSet<String> names = new TreeSet<>(legacy.propertyNames());
			names.addAll(nativeNode.propertyNames());
			for (String name : names) {
				diff(pointer + "/" + escape(name), orMissing(legacy.get(name)), orMissing(nativeNode.get(name)), ignored,
						limit, into);
			}
		}
		else if (legacy.isArray() && nativeNode.isArray()) {
			int size = Math.max(legacy.size(), nativeNode.size());
			for (int i = 0; i < size; i++) {
				diff(pointer + "/" + i, orMissing(legacy.get(i)), orMissing(nativeNode.get(i)), ignored, limit, into);
			}
		}
		else if (!legacy.equals(nativeNode)) {
			into.add(Difference.of("body " + (pointer.isEmpty() ? "(root)" : pointer), text(legacy), text(nativeNode)));
		}
	}

	private static JsonNode orMissing(@Nullable JsonNode node) {
		return (node != null) ? node : MissingNode.getInstance();
	}

	private static String text(JsonNode node) {
		return node.isMissingNode() ? "(absent)" : node.toString();
	}

	private static boolean isIgnored(String pointer, List<String> ignored) {
		for (String prefix : ignored) {
			if (pointer.equals(prefix) || pointer.startsWith(prefix + "/") || prefix.isEmpty()) {
				return true;
			}
		}
		return false;
	}

	private static String escape(String name) {
		return name.replace("~", "~0").replace("/", "~1");
	}

}
