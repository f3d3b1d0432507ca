package io.github.wsgiflux.python;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.jspecify.annotations.Nullable;

/**
 * How every interpreter context of one application is made: on the shared {@link Engine}, with the application's
 * GraalPy options, {@code wsgiflux_bridge.py} evaluated in it, and the application imported through the bridge's
 * {@code load}. Holds no per-context state: {@link PythonInterpreter} calls it from a warm-up thread or from the
 * worker that loads its context, several at a time.
 */
final class PythonContextFactory {

	/**
	 * Separates the items of a list that crosses to the bridge as one string ({@code _SEP} in the bridge): never in
	 * an environ string, which is ISO-8859-1.
	 */
	static final char SEPARATOR = '\uffff';

	private static final String LANGUAGE = "python";

	private static final Source BRIDGE = bridgeSource();

	private final String app;

	private final String pathSpec;

	private final boolean multiprocess;

	private final Engine engine;

	private final boolean ownEngine;

	private final Map<String, String> options;

	/**
	 * Set up the contexts of one application.
	 * @param app the application, {@code module:callable}
	 * @param path the folders put in front of {@code sys.path}
	 * @param multiprocess whether the application runs in more than one context
	 * @param bytecodeCache the folder for compiled modules, or {@code null} to write none
	 * @param options the user's GraalPy options, applied last
	 * @param engine the shared engine, or {@code null} for one of its own, closed with {@link #close()}
	 */
	PythonContextFactory(String app, List<String> path, boolean multiprocess, @Nullable Path bytecodeCache,
			Map<String, String> options, @Nullable Engine engine) {
		this.app = app;
		this.pathSpec = String.join(String.valueOf(SEPARATOR), path);
		this.multiprocess = multiprocess;
		this.ownEngine = engine == null;
		this.engine = (engine != null) ? engine : Engine.newBuilder(LANGUAGE).build();
		Map<String, String> all = new LinkedHashMap<>();
		// Several contexts in one process may only load native modules (termios, sqlite3, pyexpat: Django needs
		// termios) each in its own copy of the library; GraalPy makes that copy with the `patchelf` program.
		all.put("python.IsolateNativeModules", "true");
		if (bytecodeCache != null) {
			// Compiled modules go to their own folder, never next to the sources (dist-packages may be read-only).
			all.put("python.DontWriteBytecodeFlag", "false");
			all.put("python.PyCachePrefix", bytecodeCache.toAbsolutePath().toString());
		}
		all.putAll(options);
		this.options = Map.copyOf(all);
	}

	String app() {
		return this.app;
	}

	Engine engine() {
		return this.engine;
	}

	Context newContext() {
		Context.Builder builder = Context.newBuilder(LANGUAGE)
			.engine(this.engine)
			.allowAllAccess(true)
			.allowExperimentalOptions(true);
		this.options.forEach(builder::option);
		return builder.build();
	}

	/**
	 * Evaluate the bridge in a new context.
	 * @param context the context
	 * @return the bridge's globals: {@code call}, {@code before_close}, ...
	 */
	Value evalBridge(Context context) {
		context.eval(BRIDGE);
		return context.getBindings(LANGUAGE);
	}

	/**
	 * Import the application in the context of {@code bridge}.
	 * @param bridge the globals {@link #evalBridge} returned
	 * @return the application callable
	 */
	Value importApplication(Value bridge) {
		return bridge.getMember("load").execute(this.app, this.pathSpec, this.multiprocess);
	}

	/** Close the engine, unless it was given. */
	void close() {
		if (this.ownEngine) {
			this.engine.close(true);
		}
	}

	private static Source bridgeSource() {
		try (InputStream in = PythonContextFactory.class.getResourceAsStream("wsgiflux_bridge.py")) {
			String code = new String(Objects.requireNonNull(in, "wsgiflux_bridge.py").readAllBytes(),
					StandardCharsets.UTF_8);
			return Source.newBuilder(LANGUAGE, code, "wsgiflux_bridge.py").buildLiteral();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
