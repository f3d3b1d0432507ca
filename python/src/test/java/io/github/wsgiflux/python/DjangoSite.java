package io.github.wsgiflux.python;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Django project of the tests ({@code src/test/python/mysite}, as {@code django-admin startproject} made it) and
 * its database, prepared as a user would before starting the server: {@code manage.py migrate} and
 * {@code createsuperuser}, run once per JVM by the system's CPython on the file {@code DJANGO_DB_PATH} names (set by
 * surefire), which GraalPy's sqlite3 then opens.
 */
final class DjangoSite {

	/** The project folder, with {@code manage.py}; the WSGI application is {@code mysite.wsgi}. */
	static final String PROJECT = Path.of("src/test/python/mysite").toAbsolutePath().toString();

	static final String ADMIN_USER = "admin";

	static final String ADMIN_PASSWORD = "wsgiflux-admin-password";

	private static boolean prepared;

	private DjangoSite() {
	}

	/** Create the database with Django's migrations and a superuser, unless done already in this JVM. */
	static synchronized void prepare() {
		if (prepared) {
			return;
		}
		String database = System.getenv("DJANGO_DB_PATH");
		if (database == null) {
			throw new IllegalStateException("DJANGO_DB_PATH is not set (surefire sets it for the Django project)");
		}
		try {
			Files.createDirectories(Path.of(database).getParent());
			Files.deleteIfExists(Path.of(database));
			manage("migrate", "--noinput");
			manage("createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "admin@example.com");
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot prepare the Django database " + database, ex);
		}
		prepared = true;
	}

	private static void manage(String... command) throws IOException {
		List<String> line = new ArrayList<>(List.of("/usr/bin/python3", "manage.py"));
		line.addAll(List.of(command));
		ProcessBuilder builder = new ProcessBuilder(line).directory(Path.of(PROJECT).toFile()).redirectErrorStream(true);
		// No __pycache__ in the sources; the superuser's password the way createsuperuser --noinput takes it.
		builder.environment()
			.putAll(Map.of("PYTHONDONTWRITEBYTECODE", "1", "DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD));
		Process process = builder.start();
		try {
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("manage.py " + String.join(" ", command) + " failed:\n" + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
