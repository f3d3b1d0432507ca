#!/usr/bin/env bash
# Soak (issue 8): fast, slow, streaming, failing and native requests at saturation, plus clients that disconnect
# mid-download and mid-upload, for DURATION (default 10 minutes), loopback only. Then checks and prints:
#   - no unexpected status (200 for the work, 500 for /wsgi/fail, 503 when the bounded scheduler is full);
#   - heap after a full GC within 10% of its value after the warm-up;
#   - live threads back to the idle count once the workers' keep-alive has passed;
#   - no Netty leak report in the log (leak detection 'advanced').
# Needs wrk and curl. Exit status 1 when a check fails.
#   DURATION=10m CONNECTIONS=256 benchmarks/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

DURATION=${DURATION:-10m}
CONNECTIONS=${CONNECTIONS:-256}
PORT=${PORT:-18085}
BASE="http://127.0.0.1:$PORT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/SOAK.md
for tool in wrk curl jcmd; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done
ulimit -n 65536 2>/dev/null || true

./mvnw -q -B -pl benchmarks -am package -DskipTests
JAR=$(ls benchmarks/target/wsgiflux-benchmarks-*-exec.jar)
LOG=benchmarks/target/soak.log
"$JAVA" -Xmx256m -Dio.netty.leakDetection.level=advanced -jar "$JAR" --server.port=$PORT \
	--wsgi.scheduler.thread-cap=32 --wsgi.scheduler.queue-capacity=64 --wsgi.scheduler.keep-alive=5s \
	--wsgi.request.timeout=10s >"$LOG" 2>&1 &
APP=$!
DISRUPT=""
cleanup() { [ -n "$DISRUPT" ] && kill $DISRUPT 2>/dev/null || true; kill $APP 2>/dev/null || true; wait $APP 2>/dev/null || true; }
trap cleanup EXIT
wait_ready "$BASE" "$LOG"

threads() { awk '/^Threads:/ {print $2}' /proc/$APP/status; }

# Warm-up, then the baselines once the warm-up's workers have expired.
wrk -t2 -c64 -d20s -s benchmarks/soak.lua "$BASE" >/dev/null
sleep 8
heap_start=$(heap_after_gc_mb $APP); threads_start=$(threads)

# Disruptors: downloads cut after 50 ms, uploads cut mid-body.
(
	while true; do
		curl -s -o /dev/null --max-time 0.05 "$BASE/wsgi/download?mb=64" || true
		head -c 2000000 /dev/zero | curl -s -o /dev/null --max-time 0.05 -H "Content-Type: application/octet-stream" \
			--data-binary @- "$BASE/wsgi/upload" || true
	done
) &
DISRUPT=$!
result=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 15s -s benchmarks/soak.lua "$BASE")
kill $DISRUPT 2>/dev/null || true; wait $DISRUPT 2>/dev/null || true; DISRUPT=""
sleep 8
heap_end=$(heap_after_gc_mb $APP); threads_end=$(threads)

echo "$result"
unexpected=$(echo "$result" | awk '/^status/ && $2 != 200 && $2 != 500 && $2 != 503 { n += $3 } END { print n + 0 }')
total=$(echo "$result" | awk '/^status/ { n += $3 } END { print n + 0 }')
leaks=$(grep -c "LEAK:" "$LOG" || true)
heap_ok=$(awk -v a="$heap_start" -v b="$heap_end" 'BEGIN { print (b <= a * 1.10) ? "yes" : "no" }')
threads_ok=$([ "$threads_end" -le "$threads_start" ] && echo yes || echo no)
{
	echo "# Soak (issue 8)"
	echo
	echo "One run of \`DURATION=$DURATION CONNECTIONS=$CONNECTIONS benchmarks/soak.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
	echo "wrk and the server on the same machine, thread-cap 32, queue 64, -Xmx256m, leak detection 'advanced',"
	echo "plus a loop of downloads and uploads cut by the client after 50 ms."
	echo
	echo "| check | start | end | verdict |"
	echo "|---|---|---|---|"
	echo "| responses by status | | $(echo "$result" | awk '/^status/ { printf "%s: %s; ", $2, $3 }') | $unexpected unexpected of $total |"
	echo "| heap after full GC | $heap_start MB | $heap_end MB | within 10%: $heap_ok |"
	echo "| live threads (after keep-alive) | $threads_start | $threads_end | back to idle: $threads_ok |"
	echo "| Netty leak reports | | $leaks | |"
	echo
	echo '```'
	echo "$result"
	echo '```'
} >"$OUT"
cat "$OUT"
[ "$unexpected" -eq 0 ] && [ "$heap_ok" = yes ] && [ "$threads_ok" = yes ] && [ "$leaks" -eq 0 ]
