package io.github.wsgiflux.sample;

import javax.sql.DataSource;

import io.github.wsgiflux.sample.legacy.LegacyGuestbook;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.h2.jdbcx.JdbcDataSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
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

	/** A route already migrated to a native router function: it shadows the legacy {@code /stats}. */
	@Bean
	RouterFunction<ServerResponse> migratedRoutes() {
		return RouterFunctions.route()
			.GET("/stats", (request) -> ServerResponse.ok().bodyValue("native /stats (RouterFunction)"))
			.build();
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
