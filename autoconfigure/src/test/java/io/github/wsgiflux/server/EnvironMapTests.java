package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * The environ's map behaves as {@link HashMap} does for every {@code Map} operation an application or the Python
 * bridge uses: random sequences of operations run on both and are compared after each step, with keys that collide
 * ("Aa" and "BB" have one hash code), removals that leave markers, growth and iteration with removal.
 */
class EnvironMapTests {

	private static final List<String> KEYS = keys();

	@Test
	void randomOperationSequencesAgreeWithHashMap() {
		Random random = new Random(3333);
		for (int round = 0; round < 2000; round++) {
			EnvironMap map = new EnvironMap(random.nextInt(40));
			Map<String, Object> expected = new HashMap<>();
			for (int step = 0; step < 150; step++) {
				String key = KEYS.get(random.nextInt(KEYS.size()));
				Object value = random.nextInt(10) == 0 ? null : Integer.valueOf(random.nextInt(1000));
				switch (random.nextInt(9)) {
					case 0, 1, 2 -> assertThat(map.put(key, value)).isEqualTo(expected.put(key, value));
					case 3 -> assertThat(map.remove(key)).isEqualTo(expected.remove(key));
					case 4 -> assertThat(map.get(key)).isEqualTo(expected.get(key));
					case 5 -> assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
					case 6 -> removeByIterator(map, expected, random);
					case 7 -> setValueByIterator(map, expected, random);
					default -> {
						if (random.nextInt(20) == 0) {
							map.clear();
							expected.clear();
						}
					}
				}
				assertThat(map).hasSize(expected.size()).isEqualTo(expected);
				assertThat(map.hashCode()).isEqualTo(expected.hashCode());
			}
		}
	}

	@Test
	void growsPastItsExpectedSizeAndKeepsEveryEntry() {
		EnvironMap map = new EnvironMap(4);
		for (int i = 0; i < 1000; i++) {
			map.put("HTTP_X_" + i, i);
		}
		assertThat(map).hasSize(1000);
		for (int i = 0; i < 1000; i++) {
			assertThat(map.get("HTTP_X_" + i)).isEqualTo(i);
		}
	}

	@Test
	void manyRemovalsDoNotFillTheTableWithMarkers() {
		EnvironMap map = new EnvironMap(32);
		for (int i = 0; i < 100_000; i++) {
			map.put("k" + i, i);
			assertThat(map.remove("k" + i)).isEqualTo(i);
		}
		assertThat(map).isEmpty();
		assertThat(map.get("k1")).isNull();
	}

	@Test
	void nullKeysAreRefusedOnPutAndAbsentOnRead() {
		EnvironMap map = new EnvironMap(8);
		assertThatNullPointerException().isThrownBy(() -> map.put(null, "v"));
		assertThat(map.get(null)).isNull();
		assertThat(map.containsKey(null)).isFalse();
		assertThat(map.remove(null)).isNull();
	}

	@Test
	void aPutDuringIterationIsAConcurrentModification() {
		EnvironMap map = new EnvironMap(8);
		map.put("a", 1);
		map.put("b", 2);
		Iterator<Map.Entry<String, Object>> iterator = map.entrySet().iterator();
		iterator.next();
		map.put("c", 3);
		assertThatExceptionOfType(ConcurrentModificationException.class).isThrownBy(iterator::next);
	}

	@Test
	void anEntryKeepsItsKeyAfterItWasRemoved() {
		EnvironMap map = new EnvironMap(8);
		map.put("REQUEST_METHOD", "GET");
		Iterator<Map.Entry<String, Object>> iterator = map.entrySet().iterator();
		Map.Entry<String, Object> entry = iterator.next();
		iterator.remove();
		assertThat(entry.getKey()).isEqualTo("REQUEST_METHOD");
		assertThat(map).isEmpty();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(iterator::remove);
	}

	private static void removeByIterator(EnvironMap map, Map<String, Object> expected, Random random) {
		for (Iterator<Map.Entry<String, Object>> iterator = map.entrySet().iterator(); iterator.hasNext();) {
			Map.Entry<String, Object> entry = iterator.next();
			if (random.nextBoolean()) {
				iterator.remove();
				expected.remove(entry.getKey());
			}
		}
	}

	private static void setValueByIterator(EnvironMap map, Map<String, Object> expected, Random random) {
		for (Map.Entry<String, Object> entry : map.entrySet()) {
			if (random.nextBoolean()) {
				Integer value = random.nextInt(1000);
				assertThat(entry.setValue(value)).isEqualTo(expected.put(entry.getKey(), value));
				assertThat(entry.getValue()).isEqualTo(value);
			}
		}
	}

	private static List<String> keys() {
		List<String> keys = new ArrayList<>(List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "REQUEST_METHOD",
				"PATH_INFO", "wsgi.input", "HTTP_HOST"));
		for (int i = 0; i < 30; i++) {
			keys.add("HTTP_X_" + i);
		}
		return keys;
	}

}
