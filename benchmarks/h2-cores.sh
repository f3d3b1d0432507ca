#!/usr/bin/env bash
# Where the HTTP/2 difference of scenario 6b goes: the same h2load runs (hello, native and WSGI interleaved) first
# with the JVM free to use every CPU, then with the JVM confined to CPU 1 and h2load to CPU 0 (taskset), so that the
# event loop and the worker that runs a request share a core. Prints req/s and the JVM's CPU time per request
# (user + system, /proc/PID/stat) for each run. Needs h2load (nghttp2-client), taskset (util-linux) and 2 CPUs.
#   REPEATS=3 N=200000 benchmarks/h2-cores.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

REPEATS=${REPEATS:-3}
N=${N:-200000}
PORT=${PORT:-18081}
BASE="http://127.0.0.1:$PORT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
TICKS=$(getconf CLK_TCK)

command -v h2load >/dev/null || { echo "h2load is missing: apt-get install nghttp2-client" >&2; exit 1; }
command -v taskset >/dev/null || { echo "taskset is missing: apt-get install util-linux" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs (the second placement puts the JVM on CPU 1)" >&2; exit 1; }
if curl -s -o /dev/null "$BASE/"; then echo "port $PORT is in use: set PORT" >&2; exit 1; fi

./mvnw -q -B -pl benchmarks -am package -DskipTests
JAR=$(ls benchmarks/target/wsgiflux-benchmarks-*-exec.jar)
APP=""
stop_app() { [ -n "$APP" ] && kill "$APP" 2>/dev/null && wait "$APP" 2>/dev/null || true; APP=""; }
trap stop_app EXIT

# $1: the prefix that places the JVM ("" or "taskset -c 1"), $2: the one that places h2load.
run() {
	local jvm=$1 client=$2
	$jvm "$JAVA" -Xmx1g -jar "$JAR" --server.port="$PORT" --server.http2.enabled=true >benchmarks/target/app.log 2>&1 &
	APP=$!
	wait_ready "$BASE" benchmarks/target/app.log || exit 1
	# On one CPU the JIT competes with the requests: warm up longer than run.sh does (a million requests each).
	for _ in 1 2 3 4 5; do
		for path in native wsgi; do $client h2load -n 200000 -c 16 -m 10 "$BASE/$path/hello" >/dev/null; done
	done
	for _ in $(seq 1 "$REPEATS"); do
		for path in native wsgi; do
			local before after report rate succeeded
			before=$(awk '{print $14 + $15}' "/proc/$APP/stat")
			report=$($client h2load -n "$N" -c 16 -m 10 "$BASE/$path/hello")
			after=$(awk '{print $14 + $15}' "/proc/$APP/stat")
			rate=$(awk '/^finished in/ {print $4}' <<<"$report")
			# h2load exits 0 even when requests fail: a run counts only if all N succeeded.
			succeeded=$(awk '/^requests:/ {print $8}' <<<"$report")
			[ "$succeeded" = "$N" ] || { echo "$path: $succeeded of $N requests succeeded" >&2; exit 1; }
			# user + system time in clock ticks: microseconds per request = ticks * 1e6 / TICKS / N.
			awk -v p="$path" -v r="$rate" -v t="$((after - before))" -v n="$N" -v hz="$TICKS" \
				'BEGIN { printf "  %-6s %9.0f req/s %6.1f us CPU/request\n", p, r, t * 1e6 / hz / n }'
		done
	done
	stop_app
}

echo "== JVM and h2load on any CPU (as run.sh)"
run "" ""
echo "== JVM on CPU 1, h2load on CPU 0"
run "taskset -c 1" "taskset -c 0"
