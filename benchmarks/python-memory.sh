#!/usr/bin/env bash
# Issue 13 item 6: the memory of Flask at /flask and the generated Django project at /django, CONTEXTS contexts each
# (FlaskAndDjangoApplication in the python module's tests), started as benchmarks/python-startup.sh starts them, once
# every context is loaded and both applications have answered a few requests, after a full GC: RSS, Native Memory
# Tracking's committed memory by category, the heap used after the GC, and what NMT does not see (RSS - NMT total:
# GraalPy's native side, malloc arenas, mapped libraries). Prints one Markdown table row per run; compare
# configurations with the environment:
#   LABEL=name         the row's first cell
#   JAVA_OPTS="..."    more JVM options, after the script's own (so they win): -Xmx200m, -XX:+UseSerialGC, ...
#   APP_ARGS="..."     more application arguments: --wsgi.python.engine-options.engine.Mode=latency, ...
#   CONTEXTS=2 RUNS=1 PORT=18092 REQUESTS=5 HISTO=1 (write the class histogram after the GC to target/)
#   IDLE=60            instead of two jcmd GC.run, leave it idle that many seconds (what the JVM gives back by itself)
#   SKIP_BUILD=1       reuse the classpath of a previous run
#   MALLOC_ARENA_MAX=2 (glibc's, passed on to the JVM like the rest of the environment)
# Needs Java 21+ (JAVA_HOME, with jcmd), curl, Debian's python3-flask, python3-django and patchelf.
#   LABEL=default benchmarks/python-memory.sh
#   LABEL=recommended JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" benchmarks/python-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

LABEL=${LABEL:-default}
RUNS=${RUNS:-1}
CONTEXTS=${CONTEXTS:-2}
PORT=${PORT:-18092}
REQUESTS=${REQUESTS:-5}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
JCMD="${JAVA_HOME:+$JAVA_HOME/bin/}jcmd"
OUT="$PWD/benchmarks/target/python-memory.md"
mkdir -p benchmarks/target

if [ -z "${SKIP_BUILD:-}" ]; then
	build_python_classpath
fi
cd python
CACHE="$PWD/target/memory-pycache"
LOG="$PWD/target/memory-$LABEL.log"
PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=""; }
trap stop EXIT

if [ ! -f "$OUT" ]; then
	{
		echo "| configuration | RSS | heap committed | heap used after GC | metaspace + class space | code cache | compiler | GC | threads | symbols | other NMT | NMT total | outside NMT | all loaded after |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	} >"$OUT"
fi

run() {
	export DJANGO_DB_PATH="$PWD/target/memory-django-$LABEL/db.sqlite3"
	local t0=$(date +%s) loaded="" code
	# shellcheck disable=SC2086
	start_flask_and_django -XX:NativeMemoryTracking=summary ${JAVA_OPTS:-} -- --server.port=$PORT --apps.contexts="$CONTEXTS" \
		--apps.bytecode-cache="$CACHE" ${APP_ARGS:-} >"$LOG" 2>&1 &
	PID=$!
	# Every context of both applications is loaded when each application has logged its "loaded in N context(s)".
	for _ in $(seq 1 6000); do
		kill -0 "$PID" 2>/dev/null || { echo "the JVM stopped; see $LOG" >&2; tail -30 "$LOG" >&2; exit 1; }
		if [ "$(grep -c "context(s) in" "$LOG")" -ge 2 ]; then
			loaded=$(( $(date +%s) - t0 ))
			break
		fi
		sleep 1
	done
	[ -n "$loaded" ] || { echo "not loaded in time; see $LOG" >&2; exit 1; }
	for _ in $(seq 1 "$REQUESTS"); do
		for url in /flask/ /django/admin/login/ /django/admin/; do
			code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$url")
			case "$code" in 200 | 302) ;; *) echo "GET $url: $code; see $LOG" >&2; exit 1 ;; esac
		done
	done
	if [ -n "${IDLE:-}" ]; then
		sleep "$IDLE" # no GC forced: what the JVM gives back by itself (G1PeriodicGCInterval)
	else
		"$JCMD" "$PID" GC.run >/dev/null
		sleep 5
		"$JCMD" "$PID" GC.run >/dev/null
		sleep 2
	fi
	local rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")
	"$JCMD" "$PID" VM.native_memory summary scale=KB >"target/memory-$LABEL.nmt"
	"$JCMD" "$PID" GC.heap_info >"target/memory-$LABEL.heap"
	if [ -n "${HISTO:-}" ]; then
		"$JCMD" "$PID" GC.class_histogram >"target/memory-$LABEL.histo"
	fi
	grep -E "^Vm|^Rss|^Threads" "/proc/$PID/status" >"target/memory-$LABEL.status"
	# The largest mappings, to see what NMT does not (anonymous malloc arenas, native libraries).
	awk '/^[0-9a-f]+-/ { m = $0 } /^Rss:/ && $2 > 4096 { print $2 " kB " m }' "/proc/$PID/smaps" | sort -rn \
		>"target/memory-$LABEL.smaps"
	stop
	# NMT's "- Name (reserved=...KB, committed=...KB)" lines, committed, in MiB.
	local nmt=$(awk '
		/^Total: / { match($0, /committed=[0-9]+KB/); total = substr($0, RSTART + 10, RLENGTH - 12) }
		/^-/ && /committed=/ {
			name = $0; sub(/^- +/, "", name); sub(/ \(.*/, "", name)
			match($0, /committed=[0-9]+KB/); c[name] = substr($0, RSTART + 10, RLENGTH - 12)
		}
		END {
			mib = 1024; known = c["Java Heap"] + c["Metaspace"] + c["Class"] + c["Code"] + c["Compiler"] + c["GC"] \
				+ c["Thread"] + c["Symbol"]
			printf "%.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f", c["Java Heap"] / mib, (c["Metaspace"] + c["Class"]) / mib, \
				c["Code"] / mib, c["Compiler"] / mib, c["GC"] / mib, c["Thread"] / mib, c["Symbol"] / mib, \
				(total - known) / mib, total / mib
		}' "target/memory-$LABEL.nmt")
	read -r heap meta code comp gc threads symbols other total <<<"$nmt"
	# The heap used after the GC: "used NK" of the heap line (G1) or of each generation (Serial's DefNew, Tenured).
	local used=$(awk '/^[^ ]/ && /total/ && /used [0-9]+K/ {
			match($0, /used [0-9]+K/); u += substr($0, RSTART + 5, RLENGTH - 6) } END { printf "%.0f", u / 1024 }' \
		"target/memory-$LABEL.heap")
	echo "| $LABEL | $rss MiB | $heap | $used | $meta | $code | $comp | $gc | $threads | $symbols | $other | $total | $((rss - total)) | $loaded s |" \
		| tee -a "$OUT"
}

echo "# $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg), $CONTEXTS contexts each, JAVA_OPTS=${JAVA_OPTS:-} APP_ARGS=${APP_ARGS:-} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-} IDLE=${IDLE:-}" >>"$OUT"
for _ in $(seq 1 "$RUNS"); do
	run
done
echo "Written to $OUT"
