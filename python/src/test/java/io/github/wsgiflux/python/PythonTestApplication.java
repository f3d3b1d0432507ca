package io.github.wsgiflux.python;

import java.nio.file.Path;
import java.util.List;

import io.github.wsgiflux.spi.WsgiMount;
import org.graalvm.polyglot.Engine;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Flask and Django (the project {@code startproject} generated, {@link DjangoSite}) with two contexts each, as users
 * run them, Bottle, a validated plain WSGI app and a faulty one, each mounted at its own path on the engine the
 * auto-configuration provides, behind native routes.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class PythonTestApplication {

	/** The test applications' sources. */
	public static final String APPS = Path.of("src/test/python").toAbsolutePath().toString();

	/** Where Debian's python3-flask, python3-bottle and python3-django install. */
	public static final String DIST_PACKAGES = "/usr/lib/python3/dist-packages";

	/** Compiled modules, so that the many contexts of a test run import faster. */
	public static final Path BYTECODE_CACHE = Path.of("target/pycache");

	@Bean(destroyMethod = "close")
	PythonWsgiApplication flaskApp(Engine engine) {
		return application("flask_app:app", 2, engine);
	}

	@Bean
	WsgiMount flask(PythonWsgiApplication flaskApp) {
		return new WsgiMount("/flask", "flask", flaskApp);
	}

	@Bean(destroyMethod = "close")
	PythonWsgiApplication bottleApp(Engine engine) {
		return application("bottle_app:app", 1, engine);
	}

	@Bean
	WsgiMount bottle(PythonWsgiApplication bottleApp) {
		return new WsgiMount("/bottle", "bottle", bottleApp);
	}

	@Bean(destroyMethod = "close")
	PythonWsgiApplication djangoApp(Engine engine) {
		DjangoSite.prepare();
		return application("mysite.wsgi", List.of(DjangoSite.PROJECT, DIST_PACKAGES), 2, engine);
	}

	@Bean
	WsgiMount django(PythonWsgiApplication djangoApp) {
		return new WsgiMount("/django", "django", djangoApp);
	}

	@Bean(destroyMethod = "close")
	PythonWsgiApplication pep3333App(Engine engine) {
		return application("pep3333_app:app", 1, engine);
	}

	@Bean
	WsgiMount pep3333(PythonWsgiApplication pep3333App) {
		return new WsgiMount("/pep3333", "pep3333", pep3333App);
	}

	@Bean(destroyMethod = "close")
	PythonWsgiApplication faultyApp(Engine engine) {
		return application("faulty_app:app", 1, engine);
	}

	@Bean
	WsgiMount faulty(PythonWsgiApplication faultyApp) {
		return new WsgiMount("/faulty", "faulty", faultyApp);
	}

	@Bean
	RouterFunction<ServerResponse> nativeRoutes() {
		return RouterFunctions.route()
			.GET("/flask/native", (request) -> ServerResponse.ok().bodyValue("native route wins"))
			.build();
	}

	static PythonWsgiApplication application(String app, int contexts, Engine engine) {
		return application(app, List.of(APPS, DIST_PACKAGES), contexts, engine);
	}

	static PythonWsgiApplication application(String app, List<String> path, int contexts, Engine engine) {
		return PythonWsgiApplication.builder(app)
			.path(path)
			.contexts(contexts)
			.bytecodeCache(BYTECODE_CACHE)
			.engine(engine)
			.build();
	}

}
