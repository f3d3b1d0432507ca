package io.github.wsgiflux.sample;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import javax.sql.DataSource;

import io.github.wsgiflux.sample.legacy.LegacyGuestbook;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.h2.jdbcx.JdbcDataSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * A team migrating a legacy synchronous guestbook route by route: the legacy {@link LegacyGuestbook} answers
 * whatever the native handlers (this router function, {@link AboutController}, static pages, actuator) do not.
 */
@SpringBootApplication
public class SampleApplication {

	private static final Log logger = LogFactory.getLog(SampleApplication.class);

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	/** The legacy database: an embedded H2, used through plain JDBC by the legacy code. */
	@Bean
	DataSource guestbookDataSource() {
		JdbcDataSource dataSource = new JdbcDataSource();
		dataSource.setURL("jdbc:h2:mem:guestbook;DB_CLOSE_DELAY=-1");
		return dataSource;
	}

	/** The legacy application: one bean, mounted at {@code wsgi.routing.mount-path}. */
	@Bean
	LegacyGuestbook legacyGuestbook(DataSource guestbookDataSource) {
		return new LegacyGuestbook(guestbookDataSource);
	}

	/**
	 * A route already migrated to a native router function: it shadows the legacy {@code /stats}, and is compared with
	 * it ({@code wsgi.migration.compare} in {@code application.yml}). It answers one field more than the legacy page,
	 * {@code authors}: the deliberate difference that {@code /actuator/wsgi/comparisons} shows.
	 */
	@Bean
	RouterFunction<ServerResponse> migratedRoutes(DataSource guestbookDataSource) {
		// HEAD too (RFC 9110 9.3.2: the same header fields as GET): GET("/stats") alone does not match HEAD, which
		// would fall through to the legacy application, and the migrated route would be incomplete.
		return RouterFunctions.route()
			.route(RequestPredicates.GET("/stats").or(RequestPredicates.HEAD("/stats")),
					(request) -> Mono.fromCallable(() -> stats(guestbookDataSource))
						// JDBC blocks: off the event loop.
						.subscribeOn(Schedulers.boundedElastic())
						.flatMap((stats) -> ServerResponse.ok()
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(stats)))
			.build();
	}

	private static String stats(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet counts = statement.executeQuery("SELECT COUNT(*), COUNT(DISTINCT author) FROM entry")) {
			counts.next();
			return "{\"entries\":" + counts.getLong(1) + ",\"authors\":" + counts.getLong(2) + ",\"generatedAt\":\""
					+ Instant.now() + "\"}";
		}
	}

	@Bean
	ApplicationListener<WebServerInitializedEvent> announceUrl() {
		return (event) -> {
			if (event.getApplicationContext().getServerNamespace() == null) {
				logger.info("wsgiflux sample running at http://localhost:" + event.getWebServer().getPort()
						+ "/ (legacy: /entries; native: /stats, /about, /help.html; left to migrate: "
						+ "/actuator/wsgi/routes)");
			}
		};
	}

}
