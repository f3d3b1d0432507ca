package io.github.wsgiflux.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route table counts each route (method and template) in its own row up to its bound, and the rest in the
 * {@code other} row, with status classes and approximate percentiles; concurrent requests neither lose counts nor
 * grow it past its bound.
 */
class RouteTableTests {

	@Test
	void requestsOfOneTemplateShareARow() {
		RouteTable table = new RouteTable(10);
		table.record("GET", "/entries/1", 200, 1_000_000);
		table.record("GET", "/entries/2", 404, 3_000_000);
		table.record("POST", "/entries/3", 500, 1_000_000);
		table.record("GET", "/entries", 302, 1_000_000);
		assertThat(table.getRoutes()).extracting(RouteTable.Route::getMethod, RouteTable.Route::getTemplate,
				RouteTable.Route::getCount)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("GET", "/entries/{id}", 2L),
					org.assertj.core.groups.Tuple.tuple("POST", "/entries/{id}", 1L),
					org.assertj.core.groups.Tuple.tuple("GET", "/entries", 1L));
		RouteTable.Route entry = table.find("GET", "/entries/99");
		assertThat(entry.getSamplePath()).isEqualTo("/entries/1");
		assertThat(entry.getStatusCount(2)).isOne();
		assertThat(entry.getStatusCount(4)).isOne();
		assertThat(entry.getStatusCount(5)).isZero();
		assertThat(entry.getLastSeen()).isPositive();
	}

	@Test
	void routesPastTheBoundAreCountedAsOther() {
		RouteTable table = new RouteTable(3);
		for (int i = 0; i < 10; i++) {
			table.record("GET", "/page" + i, 200, 1000);
			table.record("GET", "/page" + i, 200, 1000);
		}
		assertThat(table.getRoutes()).extracting(RouteTable.Route::getTemplate)
			.containsExactlyInAnyOrder("/page0", "/page1", "/page2");
		assertThat(table.getOther().getTemplate()).isEqualTo(RouteTable.OTHER);
		assertThat(table.getOther().getCount()).isEqualTo(14);
		assertThat(table.record("GET", "/page1", 200, 1000).getTemplate()).isEqualTo("/page1");
	}

	@Test
	void knownRouteIsFoundWithoutAllocating() {
		RouteTable table = new RouteTable(500);
		String path = "/users/42/orders/123e4567-e89b-12d3-a456-426614174000";
		table.record("GET", path, 200, 1000);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
			.getThreadMXBean();
		for (int i = 0; i < 20_000; i++) {
			table.record("GET", path, 200, 1000);
		}
		long before = threads.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < 10_000; i++) {
			table.record("GET", path, 200, 1000);
		}
		long allocated = threads.getCurrentThreadAllocatedBytes() - before;
		// 10,000 records: a single allocation per record would be at least 160,000 bytes.
		assertThat(allocated).isLessThan(10_000);
	}

	@Test
	void percentilesAreWithinAQuarterAboveTheTrueValue() {
		RouteTable table = new RouteTable(10);
		for (int i = 1; i <= 100; i++) {
			table.record("GET", "/t", 200, i * 1_000_000L);
		}
		RouteTable.Route route = table.find("GET", "/t");
		assertThat(route.getPercentileNanos(0.5)).isBetween(50_000_000L, 62_500_000L);
		assertThat(route.getPercentileNanos(0.99)).isBetween(99_000_000L, 123_750_000L);
		assertThat(new RouteTable(1).getOther().getPercentileNanos(0.5)).isZero();
	}

	@Test
	void bucketsCoverEveryDurationAndTheirBoundsGrow() {
		long previous = 0;
		for (int bucket = 0; bucket < 113; bucket++) {
			long bound = RouteTable.Route.upperBound(bucket);
			assertThat(bound).isGreaterThan(previous);
			assertThat(RouteTable.Route.bucket(bound - 1)).isEqualTo(bucket);
			previous = bound;
		}
		assertThat(RouteTable.Route.bucket(0)).isZero();
		assertThat(RouteTable.Route.bucket(Long.MAX_VALUE)).isEqualTo(112);
	}

	@Test
	void concurrentRequestsLoseNoCountAndStayWithinTheBound() throws InterruptedException {
		RouteTable table = new RouteTable(50);
		int threads = 8;
		int perThread = 20_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < perThread; i++) {
					table.record("GET", "/r" + (i % 80) + "/" + i, 200, 1000);
				}
			});
			workers.add(worker);
			worker.start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join(TimeUnit.SECONDS.toMillis(30));
		}
		List<RouteTable.Route> routes = table.getRoutes();
		assertThat(routes).hasSize(50);
		assertThat(routes).extracting(RouteTable.Route::getTemplate).doesNotHaveDuplicates();
		long counted = routes.stream().mapToLong(RouteTable.Route::getCount).sum() + table.getOther().getCount();
		assertThat(counted).isEqualTo((long) threads * perThread);
	}

}
