#!/usr/bin/env bash
# Issue 13 item 7: throughput and tail of a Flask hello and of a trivial Django view (python/src/test/python:
# flask_app.py's "/" and djsite's index), hosted by wsgiflux through GraalPy (FlaskAndDjangoApplication of the python
# module's tests, N contexts per application) and by Debian's gunicorn (gthread, N worker processes: one interpreter
# each, as wsgiflux has one per context), same code, same wrk settings, same machine, one run. Also the heap after a
# full GC. Replaces its own section of benchmarks/RESULTS-python.md. Loopback only, bounded.
# Needs Java 21+ (JAVA_HOME), wrk, curl, gunicorn, python3-flask, python3-django and patchelf (Debian).
# On 2 cores GraalPy's Truffle compiler stays busy for 5-7 minutes of load (measured) before the req/s settle, hence
# the long default warm-up of the wsgiflux side (gunicorn needs none).
#   CONTEXTS="1 2" WARMUP=300s GUNICORN_WARMUP=30s DURATION=20s benchmarks/python.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

CONTEXTS=${CONTEXTS:-"1 2"}
WARMUP=${WARMUP:-300s}
GUNICORN_WARMUP=${GUNICORN_WARMUP:-30s}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
PORT=${PORT:-18090}
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/RESULTS-python.md
SECTION="## Throughput and tail: Flask and Django, wsgiflux + GraalPy vs gunicorn (issue 13 item 7)"

for tool in wrk curl gunicorn; do command -v $tool >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done

build_python_classpath
APPS="$PWD/python/src/test/python"
TABLE="$PWD/benchmarks/target/python-throughput.md"
LOG="$PWD/benchmarks/target/python-app.log"
PID=""
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=""; }
trap stop EXIT

start_wsgiflux() { # contexts per application
	# The generated Django project's database (DjangoSite), though the trivial view measured here never opens it.
	export DJANGO_DB_PATH="$PWD/python/target/bench-django/db.sqlite3"
	(cd python && start_flask_and_django -- --server.port=$PORT --apps.contexts="$1" --apps.django=djsite.wsgi \
		--apps.bytecode-cache="$PWD/target/bench-pycache" --wsgi.scheduler.thread-cap=$((2 * $1)) >"$LOG" 2>&1) &
	PID=$!
	for _ in $(seq 1 1800); do
		if [ "$(grep -c "context(s) in" "$LOG")" -ge 2 ] && curl -sf "http://127.0.0.1:$PORT/flask/" >/dev/null 2>&1 \
			&& curl -sf "http://127.0.0.1:$PORT/django/" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$PID" 2>/dev/null || { echo "wsgiflux stopped, see $LOG" >&2; exit 1; }
		sleep 0.5
	done
	echo "wsgiflux did not start, see $LOG" >&2; exit 1
}
start_gunicorn() { # workers, application
	(cd "$APPS" && exec gunicorn -k gthread -w "$1" --threads 1 -b 127.0.0.1:$PORT --log-level warning "$2") &
	PID=$!
	for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && return 0; sleep 0.2; done
	echo "gunicorn did not start" >&2; exit 1
}
load() { # url, warm-up -> "req/s p99-ms"
	wrk -t2 -c"$CONNECTIONS" -d"$2" "$1" >/dev/null
	wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
		function ms(v) { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; return n }
		/Requests\/sec/ {r = $2} $1 == "99%" {p = ms($2)} END {printf "%.0f %.2f\n", r, p}'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

{
	echo "$SECTION"
	echo
	echo "One run of \`CONTEXTS=\"$CONTEXTS\" WARMUP=$WARMUP GUNICORN_WARMUP=$GUNICORN_WARMUP DURATION=$DURATION benchmarks/python.sh\` on"
	echo "$(date -u +%Y-%m-%d), $(nproc) cores (load average $(cut -d' ' -f1 /proc/loadavg) at the start), wrk -t2 -c$CONNECTIONS on the same"
	echo "machine, warm-up $WARMUP (gunicorn $GUNICORN_WARMUP) of each application, then $DURATION measured. $("$JAVA" -version 2>&1 | head -1). $(gunicorn --version 2>&1)."
	echo "Flask: \`flask_app.py\`'s \"/\"; Django: \`djsite\`'s index view (CommonMiddleware only). gunicorn: gthread, as many"
	echo "worker processes as wsgiflux has contexts per application, one thread each. Goal: wsgiflux >= 1.5x gunicorn's"
	echo "req/s with a p99 <= 1.5x gunicorn's."
	echo
	echo "| application | contexts / workers | wsgiflux req/s | p99 ms | gunicorn req/s | p99 ms | req/s ratio | p99 ratio | wsgiflux heap after full GC |"
	echo "|---|---|---|---|---|---|---|---|---|"
} >"$TABLE"

for n in $CONTEXTS; do
	start_wsgiflux "$n"
	heap=$(heap_after_gc_mb "$PID" 2>/dev/null || echo "?")
	read -r fr fp < <(load "http://127.0.0.1:$PORT/flask/" "$WARMUP")
	read -r dr dp < <(load "http://127.0.0.1:$PORT/django/" "$WARMUP")
	stop
	start_gunicorn "$n" flask_app:app
	read -r gfr gfp < <(load "http://127.0.0.1:$PORT/" "$GUNICORN_WARMUP")
	stop
	start_gunicorn "$n" djsite.wsgi
	read -r gdr gdp < <(load "http://127.0.0.1:$PORT/" "$GUNICORN_WARMUP")
	stop
	{
		echo "| Flask hello | $n | $fr | $fp | $gfr | $gfp | $(ratio "$fr" "$gfr") | $(ratio "$fp" "$gfp") | $heap MB |"
		echo "| Django trivial view | $n | $dr | $dp | $gdr | $gdp | $(ratio "$dr" "$gdr") | $(ratio "$dp" "$gdp") | (same JVM) |"
	} | tee -a "$TABLE"
done
echo >>"$TABLE"

# Replace this script's section of RESULTS-python.md (the other scripts write the others).
touch "$OUT"
python3 - "$OUT" "$TABLE" "$SECTION" <<'PY'
import sys
out, table, section = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(out).read()
new = open(table).read()
if section in text:
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    text = text[:start] + new + (text[end + 1:] if end >= 0 else "")
else:
    text = text.rstrip("\n") + "\n\n" + new
open(out, "w").write(text)
PY
echo "Written to $OUT"
