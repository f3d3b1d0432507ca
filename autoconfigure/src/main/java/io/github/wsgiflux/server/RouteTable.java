package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * The traffic of one WSGI mount by route (method and {@linkplain RouteTemplates template}): count, last seen, status
 * classes and approximate percentiles of the time taken. Bounded: the first {@code maxTemplates} routes seen get a
 * row each, every later one is counted in the {@link #OTHER} row, so that random paths cannot grow it.
 * <p>
 * On the request path: an open-addressing table in an {@link AtomicReferenceArray}, looked up by the template's
 * hash computed over the path in place ({@link RouteTemplates#hash}) and compared without building the template
 * ({@link RouteTemplates#matches}). A known route is found and updated without allocation or lock; a new one is
 * built once and inserted with compare-and-set.
 */
public final class RouteTable {

	/** The template of the row that counts the routes past the bound. */
	public static final String OTHER = "other";

	private final int maxTemplates;

	private final AtomicReferenceArray<@Nullable Route> slots;

	private final AtomicInteger size = new AtomicInteger();

	private final Route other = new Route("*", OTHER, "", 0);

	/**
	 * Create an empty table.
	 * @param maxTemplates how many routes get a row of their own
	 */
	public RouteTable(int maxTemplates) {
		if (maxTemplates < 1) {
			throw new IllegalArgumentException("maxTemplates must be >= 1, was " + maxTemplates);
		}
		this.maxTemplates = maxTemplates;
		// At most half full: short probe sequences.
		this.slots = new AtomicReferenceArray<>(Integer.highestOneBit(maxTemplates * 4 - 1));
	}

	/**
	 * Record one request.
	 * @param method the HTTP method
	 * @param path the raw request path
	 * @param status the status sent, or 0 when none was
	 * @param nanos how long it took
	 * @return the row it was counted in
	 */
	Route record(String method, String path, int status, long nanos) {
		Route route = find(method, path);
		route.record(status, nanos);
		return route;
	}

	/**
	 * The row a request would be counted in, without counting it nor adding a row: its own if the table has it,
	 * otherwise {@link #getOther()}. For requests that are not traffic of their own (a shadow comparison's run).
	 * @param method the HTTP method
	 * @param path the raw request path
	 * @return the row
	 */
	Route peek(String method, String path) {
		int hash = spread(method.hashCode() * 31 + RouteTemplates.hash(path));
		int mask = this.slots.length() - 1;
		int index = hash & mask;
		for (int probes = 0; probes <= mask; probes++) {
			Route route = this.slots.get(index);
			if (route == null) {
				return this.other;
			}
			if (route.hash == hash && route.method.equals(method) && RouteTemplates.matches(route.template, path)) {
				return route;
			}
			index = (index + 1) & mask;
		}
		return this.other;
	}

	/**
	 * The row of a request: its own, or {@link #getOther()} once the table is full.
	 * @param method the HTTP method
	 * @param path the raw request path
	 * @return the row
	 */
	Route find(String method, String path) {
		int hash = spread(method.hashCode() * 31 + RouteTemplates.hash(path));
		int mask = this.slots.length() - 1;
		int index = hash & mask;
		for (int probes = 0; probes <= mask; probes++) {
			Route route = this.slots.get(index);
			if (route == null) {
				route = insert(index, method, path, hash);
				if (route == null) {
					return this.other;
				}
			}
			if (route.hash == hash && route.method.equals(method) && RouteTemplates.matches(route.template, path)) {
				return route;
			}
			index = (index + 1) & mask;
		}
		return this.other;
	}

	/** Claim a row and put it in the empty slot; the slot's content afterwards, or null when the table is full. */
	private @Nullable Route insert(int index, String method, String path, int hash) {
		int claimed;
		do {
			claimed = this.size.get();
			if (claimed >= this.maxTemplates) {
				return null;
			}
		}
		while (!this.size.compareAndSet(claimed, claimed + 1));
		Route created = new Route(method, RouteTemplates.template(path), path, hash);
		if (this.slots.compareAndSet(index, null, created)) {
			return created;
		}
		// Another request filled the slot first: give the claim back and look at what it put there.
		this.size.decrementAndGet();
		return this.slots.get(index);
	}

	/**
	 * The rows of the routes seen, in no particular order.
	 * @return a snapshot of the rows
	 */
	public List<Route> getRoutes() {
		List<Route> routes = new ArrayList<>(this.size.get());
		for (int i = 0; i < this.slots.length(); i++) {
			Route route = this.slots.get(i);
			if (route != null) {
				routes.add(route);
			}
		}
		return routes;
	}

	/**
	 * The row of every route past the bound: method {@code *}, template {@link #OTHER}.
	 * @return the row
	 */
	public Route getOther() {
		return this.other;
	}

	/**
	 * How many routes get a row of their own.
	 * @return the bound
	 */
	public int getMaxTemplates() {
		return this.maxTemplates;
	}

	private static int spread(int hash) {
		return hash ^ (hash >>> 16);
	}

	/**
	 * The figures of one route. Times go into a fixed histogram of 113 buckets, four per power of two from 1 us to
	 * about 137 s (longer ones in the last): percentiles are the upper bound of the bucket the rank falls in, so they
	 * are approximate, at most a quarter above the true value.
	 */
	public static final class Route {

		private static final int MIN_EXPONENT = 10;

		private static final int MAX_EXPONENT = 37;

		private static final int SUB_BUCKETS = 4;

		private static final int BUCKETS = 1 + (MAX_EXPONENT - MIN_EXPONENT + 1) * SUB_BUCKETS;

		private final String method;

		private final String template;

		private final String samplePath;

		private final int hash;

		private final AtomicLong count = new AtomicLong();

		private volatile long lastSeen;

		/** 2xx, 3xx, 4xx and 5xx. */
		private final AtomicLongArray statusClasses = new AtomicLongArray(4);

		private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);

		Route(String method, String template, String samplePath, int hash) {
			this.method = method;
			this.template = template;
			this.samplePath = samplePath;
			this.hash = hash;
		}

		void record(int status, long nanos) {
			this.count.incrementAndGet();
			this.lastSeen = System.currentTimeMillis();
			int statusClass = status / 100 - 2;
			if (statusClass >= 0 && statusClass < 4) {
				this.statusClasses.incrementAndGet(statusClass);
			}
			this.histogram.incrementAndGet(bucket(nanos));
		}

		/**
		 * The HTTP method.
		 * @return the method, {@code *} for the other row
		 */
		public String getMethod() {
			return this.method;
		}

		/**
		 * The path template.
		 * @return the template
		 */
		public String getTemplate() {
			return this.template;
		}

		/**
		 * The raw path of the first request of this route: one concrete path the template stands for.
		 * @return the path, empty for the other row
		 */
		public String getSamplePath() {
			return this.samplePath;
		}

		/**
		 * Requests counted.
		 * @return the count
		 */
		public long getCount() {
			return this.count.get();
		}

		/**
		 * When the last request ended.
		 * @return milliseconds since the epoch, or 0 when none did
		 */
		public long getLastSeen() {
			return this.lastSeen;
		}

		/**
		 * Requests answered with a status of one class; requests without a status (aborted) are in none.
		 * @param statusClass 2 to 5
		 * @return the count
		 */
		public long getStatusCount(int statusClass) {
			return this.statusClasses.get(statusClass - 2);
		}

		/**
		 * An approximate percentile of the time taken, from arrival to the end of the response.
		 * @param quantile between 0 and 1, such as 0.99
		 * @return the upper bound of the bucket the rank falls in, in nanoseconds; 0 when nothing was recorded
		 */
		public long getPercentileNanos(double quantile) {
			long[] counts = new long[BUCKETS];
			long total = 0;
			for (int i = 0; i < BUCKETS; i++) {
				counts[i] = this.histogram.get(i);
				total += counts[i];
			}
			if (total == 0) {
				return 0;
			}
			long rank = Math.max(1, (long) Math.ceil(quantile * total));
			long seen = 0;
			for (int i = 0; i < BUCKETS; i++) {
				seen += counts[i];
				if (seen >= rank) {
					return upperBound(i);
				}
			}
			return upperBound(BUCKETS - 1);
		}

		static int bucket(long nanos) {
			if (nanos < (1L << MIN_EXPONENT)) {
				return 0;
			}
			int exponent = 63 - Long.numberOfLeadingZeros(nanos);
			if (exponent > MAX_EXPONENT) {
				return BUCKETS - 1;
			}
			int sub = (int) (nanos >>> (exponent - 2)) & (SUB_BUCKETS - 1);
			return 1 + (exponent - MIN_EXPONENT) * SUB_BUCKETS + sub;
		}

		static long upperBound(int bucket) {
			if (bucket == 0) {
				return 1L << MIN_EXPONENT;
			}
			int exponent = MIN_EXPONENT + (bucket - 1) / SUB_BUCKETS;
			int sub = (bucket - 1) % SUB_BUCKETS;
			return (1L << exponent) + ((sub + 1L) << (exponent - 2));
		}

	}

}
