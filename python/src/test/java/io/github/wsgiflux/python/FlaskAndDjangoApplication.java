package io.github.wsgiflux.python;

import java.nio.file.Path;
import java.util.List;

import io.github.wsgiflux.spi.WsgiMount;
import org.graalvm.polyglot.Engine;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two applications of issue 13 as a user hosts them, for the start-up and memory figures of
 * {@code benchmarks/python-startup.sh}: Flask at {@code /flask} and the generated Django project at {@code /django},
 * two contexts each (property {@code apps.contexts}), on the auto-configured engine; {@code benchmarks/python.sh} swaps
 * the Django project for one trivial view ({@code apps.django=djsite.wsgi}). Not used by the tests.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class FlaskAndDjangoApplication {

	@Value("${apps.contexts:2}")
	private int contexts;

	@Value("${apps.bytecode-cache:target/pycache}")
	private Path bytecodeCache;

	/** The Django application: the generated project, or {@code djsite.wsgi}, one trivial view (python.sh). */
	@Value("${apps.django:mysite.wsgi}")
	private String djangoModule;

	@Bean(destroyMethod = "close")
	PythonWsgiApplication flaskApp(Engine engine) {
		return application("flask_app:app", List.of(PythonTestApplication.APPS, PythonTestApplication.DIST_PACKAGES),
				engine);
	}

	@Bean
	WsgiMount flask(PythonWsgiApplication flaskApp) {
		return new WsgiMount("/flask", "flask", flaskApp);
	}

	@Bean(destroyMethod = "close")
	PythonWsgiApplication djangoApp(Engine engine) {
		DjangoSite.prepare();
		return application(this.djangoModule,
				List.of(DjangoSite.PROJECT, PythonTestApplication.APPS, PythonTestApplication.DIST_PACKAGES), engine);
	}

	@Bean
	WsgiMount django(PythonWsgiApplication djangoApp) {
		return new WsgiMount("/django", "django", djangoApp);
	}

	private PythonWsgiApplication application(String app, List<String> path, Engine engine) {
		return PythonWsgiApplication.builder(app)
			.path(path)
			.contexts(this.contexts)
			.bytecodeCache(this.bytecodeCache)
			.engine(engine)
			.build();
	}

	public static void main(String[] args) {
		SpringApplication.run(FlaskAndDjangoApplication.class, args);
	}

}
