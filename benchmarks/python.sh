#!/usr/bin/env bash
# Issue 6 figures: a Flask "hello" (the sample's python profile) hosted by wsgiflux through GraalPy, side by side with
# the same app under Debian's gunicorn (gthread worker, as many threads as wsgiflux has interpreter contexts), same
# wrk settings, same machine, one run. Also: context creation and Flask import time per context (bytecode cache cold,
# then warm) and heap per context (heap after full GC with N+1 contexts minus N). Loopback only, bounded.
# Needs Java 21+ (JAVA_HOME), wrk, curl, gunicorn and python3-flask (Debian).
#   CONTEXTS="1 2" WARMUP=60s DURATION=20s benchmarks/python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

CONTEXTS=${CONTEXTS:-"1 2"}
WARMUP=${WARMUP:-60s}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18090}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/RESULTS-python.md

for tool in wrk curl gunicorn; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done

./mvnw -q -B -pl sample-app -am package -DskipTests
JAR=$(ls "$PWD"/sample-app/target/wsgiflux-sample-app-*.jar | grep -v original | head -1)
JIT="$PWD/sample-app/target/truffle-jit"
CACHE="$PWD/sample-app/target/bench-pycache"
LOG="$PWD/benchmarks/target/python-app.log"
mkdir -p benchmarks/target
PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=""; }
trap stop EXIT

start_wsgiflux() { # contexts
	(cd sample-app && exec "$JAVA" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$JIT" \
		--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
		-Dpolyglot.engine.userResourceCache="$PWD/target/graalpy-resources" -jar "$JAR" \
		--spring.profiles.active=python --server.port=$PORT --wsgi.python.contexts="$1" \
		--wsgi.scheduler.thread-cap="$1" --wsgi.python.bytecode-cache="$CACHE" >"$LOG" 2>&1) &
	PID=$!
	local t0=$(date +%s%N)
	for _ in $(seq 1 600); do
		if curl -sf "http://127.0.0.1:$PORT/flask/" >/dev/null 2>&1; then
			STARTUP_MS=$(( ($(date +%s%N) - t0) / 1000000 )); return 0
		fi
		sleep 0.2
	done
	echo "wsgiflux did not start, see $LOG" >&2; exit 1
}
java_pid() { pgrep -f "wsgi.python.contexts=$1" | head -1; }
load() { # url -> "req/s p99"
	wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" "$1" >/dev/null
	wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '/Requests\/sec/ {r=$2} /99%/ {p=$2} END {print r, p}'
}

{
	echo "# Python WSGI (issue 6): Flask hello, wsgiflux + GraalPy vs gunicorn"
	echo
	echo "One run of \`benchmarks/python.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, wrk -t2 -c$CONNECTIONS on the same machine,"
	echo "warm-up $WARMUP then $DURATION measured. $("$JAVA" -version 2>&1 | head -1). $(gunicorn --version 2>&1)."
	echo
} >"$OUT"

# Import times: bytecode cache cold, then warm (1 context).
rm -rf "$CACHE"
start_wsgiflux 1; cold=$(grep -o "created in [0-9]* ms, application imported in [0-9]* ms" "$LOG" | head -1 || true); cold_start=$STARTUP_MS; stop
start_wsgiflux 1; warm=$(grep -o "created in [0-9]* ms, application imported in [0-9]* ms" "$LOG" | head -1 || true); warm_start=$STARTUP_MS; stop
{
	echo "## Start-up (1 context)"
	echo "| bytecode cache | context | start to first Flask answer |"
	echo "|---|---|---|"
	echo "| cold | $cold | $cold_start ms |"
	echo "| warm | $warm | $warm_start ms |"
	echo
	echo "## Throughput and heap"
	echo "| server | contexts / threads | req/s | p99 | heap after full GC | context load times (parallel warm-up) |"
	echo "|---|---|---|---|---|---|"
} >>"$OUT"

for n in $CONTEXTS; do
	start_wsgiflux "$n"
	heap=$(heap_after_gc_mb "$(java_pid "$n")")
	loads=$(grep -o "created in [0-9]* ms, application imported in [0-9]* ms" "$LOG" | sed 's/created in/create/; s/, application imported in/ import/' | paste -sd ";" - || true)
	read -r rps p99 < <(load "http://127.0.0.1:$PORT/flask/")
	echo "| wsgiflux + GraalPy | $n | $rps | $p99 | $heap MB | $loads |" | tee -a "$OUT"
	stop
	(cd sample-app/src/main/python && exec gunicorn -k gthread -w 1 --threads "$n" -b 127.0.0.1:$PORT \
		--log-level warning hello_flask:app) &
	PID=$!
	sleep 2
	read -r rps p99 < <(load "http://127.0.0.1:$PORT/")
	echo "| gunicorn gthread | $n | $rps | $p99 | | |" | tee -a "$OUT"
	stop
done
echo "Written to $OUT"
