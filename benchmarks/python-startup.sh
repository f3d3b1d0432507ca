#!/usr/bin/env bash
# Issue 13 figures: JVM start to the first answer of each application, Flask at /flask and the generated Django
# project at /django, two contexts each (FlaskAndDjangoApplication in the python module's tests), with the bytecode
# cache cold, then warm; also when readiness turns UP, when every context is loaded, and the 503s answered meanwhile.
# Needs Java 21+ (JAVA_HOME), curl and Debian's python3-flask, python3-django and patchelf.
#   RUNS=2 CONTEXTS=2 benchmarks/python-startup.sh
# JVM_OPTS adds JVM options (for example -Dpolyglot.engine.Mode=latency); CACHE_STATE=warm measures only with the
# bytecode cache the previous run left.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

RUNS=${RUNS:-1}
CONTEXTS=${CONTEXTS:-2}
PORT=${PORT:-18091}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT="$PWD/benchmarks/target/python-startup.md"
mkdir -p benchmarks/target

build_python_classpath
cd python
CACHE="$PWD/target/startup-pycache"
LOG="$PWD/target/startup.log"
PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=""; }
trap stop EXIT

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

run() { # label
	export DJANGO_DB_PATH="$PWD/target/startup-django/db.sqlite3"
	local t0=$(date +%s%N) flask="" django="" ready="" refused=0 code
	start_flask_and_django ${JVM_OPTS:-} -- --server.port=$PORT --apps.contexts="$CONTEXTS" \
		--apps.bytecode-cache="$CACHE" --management.endpoints.web.exposure.include=health \
		--management.endpoint.health.probes.enabled=true >"$LOG" 2>&1 &
	PID=$!
	for _ in $(seq 1 3000); do
		if [ -z "$flask" ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/flask/" || true)
			[ "$code" = 200 ] && flask=$(ms_since "$t0")
			[ "$code" = 503 ] && refused=$((refused + 1))
		fi
		if [ -z "$django" ]; then
			code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/django/admin/login/" || true)
			[ "$code" = 200 ] && django=$(ms_since "$t0")
			[ "$code" = 503 ] && refused=$((refused + 1))
		fi
		if [ -z "$ready" ] && curl -sf "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1; then
			ready=$(ms_since "$t0")
		fi
		if [ -n "$flask" ] && [ -n "$django" ] && [ -n "$ready" ] \
			&& [ "$(grep -c "context(s) in" "$LOG")" -ge 2 ]; then
			break
		fi
		sleep 0.1
	done
	local loaded=$(ms_since "$t0")
	local loads=$(grep -o "'[a-z_.:]*' loaded in [0-9]* context(s) in [0-9]* ms" "$LOG" | paste -sd ";" - || true)
	local rss=$(ps -o rss= -p "$PID" | awk '{printf "%.0f", $1/1024}')
	stop
	echo "| $1 | ${flask:-none} ms | ${django:-none} ms | ${ready:-none} ms | $loaded ms | $refused | $rss MiB | $loads |" | tee -a "$OUT"
}

{
	echo "## Start-up: Flask and Django, $CONTEXTS contexts each"
	echo
	echo "\`benchmarks/python-startup.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores (load average $(cut -d' ' -f1 /proc/loadavg) at the start), $("$JAVA" -version 2>&1 | head -1)."
	echo "Times from the JVM's launch; \"all loaded\" is when every context has imported its application (seen in the log)."
	echo
	echo "| bytecode cache | first Flask answer | first Django answer | readiness UP | all loaded | 503s answered meanwhile | RSS then | warm-up log |"
	echo "|---|---|---|---|---|---|---|---|"
} >"$OUT"
for _ in $(seq 1 "$RUNS"); do
	if [ "${CACHE_STATE:-}" != warm ]; then
		rm -rf "$CACHE"
		run cold
	fi
	run warm
done
echo "Written to $OUT"
