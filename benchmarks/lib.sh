# Shared by the benchmark scripts (sourced).

# Wait until the application at base URL $1 answers /native/hello (60 s at most); otherwise say so, naming the log
# $2, and fail.
wait_ready() {
	for _ in $(seq 1 120); do
		curl -sf "$1/native/hello" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "application did not start, see $2" >&2
	return 1
}

# Heap in use after a full GC, in MB, of the JVM with the given pid.
heap_after_gc_mb() {
	jcmd "$1" GC.run >/dev/null
	sleep 2
	jcmd "$1" GC.heap_info | awk '/garbage-first heap/ { for (i=1;i<=NF;i++) if ($i=="used") { v=$(i+1); sub("K,?","",v); printf "%.1f", v/1024 } }'
}

# Compile the python module's tests and write their class path to benchmarks/target/python.classpath: what
# start_flask_and_django runs. From the project's root.
build_python_classpath() {
	./mvnw -q -B -pl python -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
		-Dmdep.outputFile="$PWD/benchmarks/target/python.classpath"
}

# Run FlaskAndDjangoApplication (the python module's tests) with the optimized GraalPy runtime in place of the shell
# that calls it (exec): callers run it in the background ("&" or a subshell), so that their $! is the JVM's pid. From
# the python module's directory. Arguments: JVM options, "--", then the
# application's arguments.
start_flask_and_django() {
	local jvm=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	exec "$JAVA" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$PWD/target/truffle-jit" \
		--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
		-Dpolyglot.engine.userResourceCache="$PWD/target/graalpy-resources" "${jvm[@]}" \
		-cp "target/test-classes:target/classes:$(cat ../benchmarks/target/python.classpath)" \
		io.github.wsgiflux.python.FlaskAndDjangoApplication "$@"
}
