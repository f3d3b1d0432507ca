package io.github.wsgiflux.server;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The environ's map: a mutable {@code Map<String, Object>} with keys and values side by side in one array (open
 * addressing, linear probing), so that a request's 25 or so entries cost one array instead of {@link java.util.HashMap}'s
 * table plus one node each (about half the bytes per request). Keys are never {@code null}; values may be. Removal
 * leaves a marker that the next rehash drops, so an iterator stays valid across its own {@code remove()}. Not
 * thread-safe, like {@code HashMap}: an environ belongs to one request. Its length is that of a complete
 * {@code Map} with a modifiable entry view, which applications and the Python bridge use.
 */
final class EnvironMap extends AbstractMap<String, Object> {

	/** A removed entry's key: probing goes on past it. */
	private static final Object REMOVED = new Object();

	/** Key at {@code 2i}, value at {@code 2i + 1}; the slot count is a power of two. */
	private Object[] table;

	private int size;

	/** Slots used, removed ones included: the table grows when this passes three quarters. */
	private int used;

	private int modifications;

	private @Nullable Set<Entry<String, Object>> entrySet;

	/**
	 * Create a map with room for {@code expected} entries before it grows.
	 */
	EnvironMap(int expected) {
		int slots = Integer.highestOneBit(Math.max(4, expected * 4 / 3 + 1) - 1) << 1;
		this.table = new Object[slots * 2];
	}

	@Override
	public int size() {
		return this.size;
	}

	@Override
	public boolean containsKey(@Nullable Object key) {
		return key != null && indexOf(key) >= 0;
	}

	@Override
	public @Nullable Object get(@Nullable Object key) {
		if (key == null) {
			return null;
		}
		int index = indexOf(key);
		return (index >= 0) ? this.table[index + 1] : null;
	}

	@Override
	public @Nullable Object put(String key, @Nullable Object value) {
		Objects.requireNonNull(key, "An environ key must not be null");
		Object[] table = this.table;
		int mask = table.length - 2;
		int index = hash(key) & mask;
		int free = -1;
		for (Object k; (k = table[index]) != null; index = (index + 2) & mask) {
			if (k == REMOVED) {
				if (free < 0) {
					free = index;
				}
			}
			else if (k == key || k.equals(key)) {
				Object previous = table[index + 1];
				table[index + 1] = value;
				return previous;
			}
		}
		this.modifications++;
		this.size++;
		if (free >= 0) {
			table[free] = key;
			table[free + 1] = value;
			return null;
		}
		table[index] = key;
		table[index + 1] = value;
		if (++this.used * 4 > table.length * 3 / 2) {
			rehash(table.length);
		}
		return null;
	}

	@Override
	public @Nullable Object remove(@Nullable Object key) {
		if (key == null) {
			return null;
		}
		int index = indexOf(key);
		if (index < 0) {
			return null;
		}
		Object previous = this.table[index + 1];
		removeAt(index);
		return previous;
	}

	@Override
	public void clear() {
		Arrays.fill(this.table, null);
		this.size = 0;
		this.used = 0;
		this.modifications++;
	}

	@Override
	public Set<Entry<String, Object>> entrySet() {
		Set<Entry<String, Object>> entries = this.entrySet;
		if (entries == null) {
			entries = new EntrySet();
			this.entrySet = entries;
		}
		return entries;
	}

	private int indexOf(Object key) {
		Object[] table = this.table;
		int mask = table.length - 2;
		for (int index = hash(key) & mask;; index = (index + 2) & mask) {
			Object k = table[index];
			if (k == null) {
				return -1;
			}
			if (k == key || (k != REMOVED && k.equals(key))) {
				return index;
			}
		}
	}

	private void removeAt(int index) {
		this.table[index] = REMOVED;
		this.table[index + 1] = null;
		this.size--;
		this.modifications++;
	}

	/** Copy the live entries into a table of {@code length} (twice as many slots when it is mostly live). */
	private void rehash(int length) {
		Object[] old = this.table;
		int newLength = (this.size * 2 >= length / 2) ? length * 2 : length;
		Object[] table = new Object[newLength];
		int mask = newLength - 2;
		for (int i = 0; i < old.length; i += 2) {
			Object key = old[i];
			if (key != null && key != REMOVED) {
				int index = hash(key) & mask;
				while (table[index] != null) {
					index = (index + 2) & mask;
				}
				table[index] = key;
				table[index + 1] = old[i + 1];
			}
		}
		this.table = table;
		this.used = this.size;
	}

	/** Spread the high bits as {@code HashMap} does, then scale to a key slot (an even index). */
	private static int hash(Object key) {
		int h = key.hashCode();
		return (h ^ (h >>> 16)) << 1;
	}

	private final class EntrySet extends AbstractSet<Entry<String, Object>> {

		@Override
		public Iterator<Entry<String, Object>> iterator() {
			return new EntryIterator();
		}

		@Override
		public int size() {
			return EnvironMap.this.size;
		}

		@Override
		public void clear() {
			EnvironMap.this.clear();
		}

	}

	private final class EntryIterator implements Iterator<Entry<String, Object>> {

		/** The table iterated: a rehash (only by a put, which this iterator forbids) would replace it. */
		private final Object[] table = EnvironMap.this.table;

		private int next = advance(0);

		private int last = -1;

		private int expectedModifications = EnvironMap.this.modifications;

		private int advance(int from) {
			int index = from;
			while (index < this.table.length && (this.table[index] == null || this.table[index] == REMOVED)) {
				index += 2;
			}
			return index;
		}

		@Override
		public boolean hasNext() {
			return this.next < this.table.length;
		}

		@Override
		public Entry<String, Object> next() {
			checkForComodification();
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			this.last = this.next;
			this.next = advance(this.next + 2);
			return new TableEntry(this.table, this.last);
		}

		@Override
		public void remove() {
			if (this.last < 0) {
				throw new IllegalStateException();
			}
			checkForComodification();
			removeAt(this.last);
			this.last = -1;
			this.expectedModifications = EnvironMap.this.modifications;
		}

		private void checkForComodification() {
			if (EnvironMap.this.modifications != this.expectedModifications) {
				throw new ConcurrentModificationException();
			}
		}

	}

	/** An entry that reads and writes its slot, as {@code HashMap}'s entries do while the map is not changed. */
	private static final class TableEntry implements Entry<String, Object> {

		private final Object[] table;

		private final int index;

		private final String key;

		TableEntry(Object[] table, int index) {
			this.table = table;
			this.index = index;
			this.key = (String) table[index];
		}

		@Override
		public String getKey() {
			return this.key;
		}

		@Override
		public @Nullable Object getValue() {
			return this.table[this.index + 1];
		}

		@Override
		public @Nullable Object setValue(@Nullable Object value) {
			Object previous = this.table[this.index + 1];
			this.table[this.index + 1] = value;
			return previous;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Map.Entry<?, ?> entry && getKey().equals(entry.getKey())
					&& Objects.equals(getValue(), entry.getValue());
		}

		@Override
		public int hashCode() {
			return getKey().hashCode() ^ Objects.hashCode(getValue());
		}

		@Override
		public String toString() {
			return getKey() + "=" + getValue();
		}

	}

}
