#!/usr/bin/env bash
# Load scenarios of issue 7 against one JVM that serves the same work natively (/native/*) and through the gateway
# (/wsgi/*), over loopback only. Bounded: every wrk run has a fixed duration. Prints one table per scenario and writes
# benchmarks/RESULTS.md. Needs wrk (Debian: apt-get install wrk) and curl; h2load (nghttp2-client) for HTTP/2.
#   DURATION=20s WARMUP=20s REPEATS=3 benchmarks/run.sh
# ONLY=compare runs the shadow comparison scenario alone and writes benchmarks/target/RESULTS-compare.md instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. benchmarks/lib.sh

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-20s}
REPEATS=${REPEATS:-3}
PORT=${PORT:-18080}
BASE="http://127.0.0.1:$PORT"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/RESULTS.md

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || true

./mvnw -q -B -pl benchmarks -am package -DskipTests
JAR=$(ls benchmarks/target/wsgiflux-benchmarks-*-exec.jar)
LOG=benchmarks/target/app.log
APP=""

start_app() { # heap, then Spring properties
	local heap=$1; shift
	"$JAVA" "$heap" -jar "$JAR" --server.port="$PORT" "$@" >"$LOG" 2>&1 &
	APP=$!
	wait_ready "$BASE" "$LOG" || exit 1
}
stop_app() { [ -n "$APP" ] && kill "$APP" 2>/dev/null && wait "$APP" 2>/dev/null || true; APP=""; }
trap stop_app EXIT

to_ms() { # wrk latency (us, ms, s) to milliseconds
	awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
wrk_run() { # connections, duration, url, [wrk script] -> "rps p99ms non2xx total socket-errors"
	local out rps p99 non2xx total sockerr
	out=$(wrk -t2 -c"$1" -d"$2" --latency ${4:+-s "$4"} "$3")
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
	non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
	total=$(awk '/requests in/ {print $1}' <<<"$out")
	# "Socket errors: connect 0, read 0, write 0, timeout 12": timeouts are failed requests too.
	sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out"); sockerr=${sockerr:-0}
	echo "$rps $p99 $non2xx $total $sockerr"
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
medians() { # label, then runs of "rps p99 non2xx total sockerr" -> "label" and the median of each column
	local label=$1; shift
	printf '%s' "$label"
	for column in 1 2 3 4 5; do printf ' %s' "$(printf '%s\n' "$@" | awk -v c="$column" '{print $c}' | median)"; done
	echo
}
measure() { # label, connections, url -> "label rps p99 non2xx total sockerr" (medians)
	local runs=() i
	wrk -t2 -c"$2" -d"$WARMUP" "$3" >/dev/null
	for i in $(seq 1 "$REPEATS"); do runs+=("$(wrk_run "$2" "$DURATION" "$3")"); done
	medians "$1" "${runs[@]}"
}
measure_paced() { # label, connections, url: as measure, each connection pacing itself (benchmarks/paced.lua)
	local runs=() i
	for i in $(seq 1 "$REPEATS"); do runs+=("$(wrk_run "$2" "$DURATION" "$3" benchmarks/paced.lua)"); done
	medians "$1" "${runs[@]}"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }

# 6c. Cost of shadow comparison (issue 15): the served side on a migrated route (native /wsgi/migrated, which shadows
# the WSGI app's /migrated) with a 10% sample compared against the legacy app, vs compare off (no entries), and vs the
# filter installed but sampling nothing. Each measured flat out (throughput) and paced (p99 at about half of that).
compare_config() { # label, then Spring properties -> "saturated-medians paced-medians" on one line
	local label=$1; shift
	start_app -Xmx1g "$@"
	echo "$(measure "$label" 64 "$BASE/wsgi/migrated") $(measure_paced "$label" 64 "$BASE/wsgi/migrated")"
	stop_app
}
column_medians() { # lines of "label n n n ..." -> "label" and the median of each numeric column
	local columns c
	columns=$(awk '{print NF; exit}' <<<"$1")
	printf '%s' "$(awk '{print $1; exit}' <<<"$1")"
	for c in $(seq 2 "$columns"); do
		if [ "$c" -eq 7 ]; then printf ' %s' "$(awk '{print $1; exit}' <<<"$1")"; continue; fi
		printf ' %s' "$(printf '%s\n' "$@" | awk -v c="$c" '{print $c}' | median)"
	done
	echo
}
scenario_compare() {
	local rule=(--wsgi.migration.compare[0].path=/wsgi/migrated --wsgi.migration.compare[0].serve=native)
	local off zero on warnings
	echo "== 6c. shadow comparison: served p99 with a 10% sample vs compare off, 64 connections"
	# Rounds of the three in turn, each a fresh JVM: the machine's drift over minutes spreads over all three.
	local offs=() zeros=() ons=() round
	for round in $(seq 1 "${COMPARE_ROUNDS:-2}"); do
		offs+=("$(compare_config compare-off)")
		zeros+=("$(compare_config compare-0pct "${rule[@]}" --wsgi.migration.compare[0].sample-rate=0)")
		ons+=("$(compare_config compare-10pct "${rule[@]}" --wsgi.migration.compare[0].sample-rate=0.1)")
	done
	off=$(column_medians "${offs[@]}"); zero=$(column_medians "${zeros[@]}"); on=$(column_medians "${ons[@]}")
	# No actuator in this app: a mismatch or an error would show as a WARN line of MigrationComparisons.
	warnings=$(grep -c 'Shadow comparison' "$LOG" || true)
	read -r _ fr fp _ _ _ _ fpr fpp _ _ _ <<<"$off"
	read -r _ zr zp _ _ _ _ zpr zpp _ _ _ <<<"$zero"
	read -r _ nr np nn _ ns _ npr npp pn _ ps <<<"$on"
	{
	echo "## 6c. Shadow comparison: native /wsgi/migrated served, legacy /migrated compared on 10% of requests"
	echo
	echo "Flat out: 64 connections without pause. Paced: 64 connections, each pausing 5 ms between requests"
	echo "(benchmarks/paced.lua), about half of what the server serves flat out. Medians of ${COMPARE_ROUNDS:-2} rounds of"
	echo "the three configurations in turn, each round a fresh JVM per configuration, each measure the median of $REPEATS runs."
	echo
	echo "| compare | flat out req/s | flat out p99 ms | paced req/s | paced p99 ms | errors (non-2xx + socket) |"
	echo "|---|---|---|---|---|---|"
	echo "| off (no entries) | $fr | $fp | $fpr | $fpp | |"
	echo "| 0% sample (filter installed, rule matched) | $zr | $zp | $zpr | $zpp | |"
	echo "| 10% sample | $nr | $np | $npr | $npp | $((${nn%.*} + ${ns%.*} + ${pn%.*} + ${ps%.*})) |"
	echo
	echo "Paced p99 ratio 10%/off: **$(ratio "$npp" "$fpp")** (target <= 1.2), 0%/off $(ratio "$zpp" "$fpp")." \
		"Flat out: p99 10%/off $(ratio "$np" "$fp"), throughput 10%/off $(ratio "$nr" "$fr"), 0%/off $(ratio "$zr" "$fr")" \
		"(a sampled request also runs the legacy side and compares: CPU a saturated server does not have)." \
		"WARN lines about mismatches or errors: $warnings."
	echo
	} | tee -a "$OUT"
}

if [ "${ONLY:-}" = compare ]; then
	OUT=benchmarks/target/RESULTS-compare.md
	echo "# Shadow comparison cost (\`ONLY=compare DURATION=$DURATION WARMUP=$WARMUP REPEATS=$REPEATS benchmarks/run.sh\`)" >"$OUT"
	echo >>"$OUT"
	scenario_compare
	echo "Results written to $OUT"
	exit 0
fi

{
echo "# Benchmark results"
echo
echo "Command: \`DURATION=$DURATION WARMUP=$WARMUP REPEATS=$REPEATS benchmarks/run.sh\` on $(date -u +%Y-%m-%d)."
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $("$JAVA" -version 2>&1 | head -1);"
echo "wrk (2 threads) and the server share the machine over loopback. Medians of $REPEATS runs after a warm-up;"
echo "ratios are within one run (absolute numbers are not comparable across machines or runs)."
echo
} >"$OUT"

echo "== 1. hello, 64 connections"
start_app -Xmx1g
# Interleaved, so that both endpoints see the same drift of a noisy machine; ratios are taken pair by pair.
wrk -t2 -c64 -d"$WARMUP" "$BASE/native/hello" >/dev/null
wrk -t2 -c64 -d"$WARMUP" "$BASE/wsgi/hello" >/dev/null
nruns=(); wruns=(); rratios=(); pratios=()
for i in $(seq 1 "$REPEATS"); do
	n=$(wrk_run 64 "$DURATION" "$BASE/native/hello"); w=$(wrk_run 64 "$DURATION" "$BASE/wsgi/hello")
	nruns+=("$n"); wruns+=("$w")
	rratios+=("$(ratio "$(cut -d' ' -f1 <<<"$w")" "$(cut -d' ' -f1 <<<"$n")")")
	pratios+=("$(ratio "$(cut -d' ' -f2 <<<"$w")" "$(cut -d' ' -f2 <<<"$n")")")
done
read -r _ nr np _ _ _ <<<"$(medians native "${nruns[@]}")"; read -r _ wr wp _ _ _ <<<"$(medians wsgi "${wruns[@]}")"
rr=$(printf '%s\n' "${rratios[@]}" | median); pr=$(printf '%s\n' "${pratios[@]}" | median)
{
echo "## 1. Hello, 64 connections"
echo
echo "| endpoint | req/s | p99 ms |"
echo "|---|---|---|"
echo "| native RouterFunction | $nr | $np |"
echo "| WSGI | $wr | $wp |"
echo
echo "WSGI/native throughput, median of the pairwise ratios: **$rr** (target >= 0.80; each run: ${rratios[*]});"
echo "p99 ratio: **$pr** (target <= 1.5; each run: ${pratios[*]})."
echo
} | tee -a "$OUT"
stop_app

echo "== 2./3. 20 ms blocking app, thread-cap 64, 256 connections; isolation of native"
start_app -Xmx1g --wsgi.scheduler.thread-cap=64 --wsgi.scheduler.queue-capacity=1000
alone=$(measure native-alone 16 "$BASE/native/hello")
blocking=$(measure wsgi-sleep 256 "$BASE/wsgi/sleep?ms=20")
wrk -t1 -c256 -d"$DURATION" "$BASE/wsgi/sleep?ms=20" >/dev/null &
LOADER=$!
sleep 2
during=$(wrk_run 16 "$(( ${DURATION%s} - 4 ))s" "$BASE/native/hello")
wait "$LOADER" || true
read -r _ ar ap _ _ _ <<<"$alone"; read -r _ br bp bn _ bs <<<"$blocking"; read -r dr dp _ _ _ <<<"$during"
bn=$((${bn%.*} + ${bs%.*}))
{
echo "## 2. 20 ms blocking app, thread-cap 64, 256 connections"
echo
echo "| req/s | Little's-law bound | share of bound | p99 ms | errors (non-2xx + socket errors) |"
echo "|---|---|---|---|---|"
echo "| $br | 3200 | **$(ratio "$br" 3200)** (target >= 0.95) | $bp | $bn |"
echo
echo "## 3. Isolation: native hello (16 connections) while scenario 2 saturates the WSGI app"
echo
echo "| native alone p99 ms | native during p99 ms | ratio (target <= 2) | native req/s alone / during |"
echo "|---|---|---|---|"
echo "| $ap | $dp | **$(ratio "$dp" "$ap")** | $ar / $dr |"
echo
} | tee -a "$OUT"
stop_app

echo "== 4. overload: thread-cap 16, queue 32, 512 connections"
start_app -Xmx256m --wsgi.scheduler.thread-cap=16 --wsgi.scheduler.queue-capacity=32
heap_used() { jcmd "$APP" GC.run >/dev/null 2>&1 || true; jcmd "$APP" GC.heap_info 2>/dev/null | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {print $(i + 1); exit}}'; }
before=$(heap_used)
overload=$(measure overload 512 "$BASE/wsgi/sleep?ms=20")
after=$(heap_used)
read -r _ or op on ot _ <<<"$overload"
# Latency by status while saturated: sample single requests beside the load.
wrk -t2 -c512 -d"$DURATION" "$BASE/wsgi/sleep?ms=20" >/dev/null &
LOADER=$!
sleep 2
samples=$(for _ in $(seq 1 40); do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$BASE/wsgi/sleep?ms=20"; done)
wait "$LOADER" || true
lat503=$(awk '$1 == 503 {print $2 * 1000}' <<<"$samples" | median)
lat200=$(awk '$1 == 200 {print $2 * 1000}' <<<"$samples" | median)
{
echo "## 4. Overload: 20 ms app, thread-cap 16, queue-capacity 32, 512 connections"
echo
echo "| req/s (all) | 503 share | accepted (200) req/s | Little's-law bound of 200s | p99 ms (all responses) | heap used after GC before / after |"
echo "|---|---|---|---|---|---|"
echo "| $or | $(awk -v n="$on" -v t="$ot" 'BEGIN { printf "%.4f", n / t }') | $(awk -v r="$or" -v n="$on" -v t="$ot" 'BEGIN { printf "%.0f", r * (t - n) / t }') | 800 | $op | ${before:-?} / ${after:-?} |"
echo
echo "wrk reports one latency distribution for all responses. Single requests sampled beside the load: median"
got200=$(awk '$1 == 200' <<<"$samples" | wc -l)
if [ "$got200" -gt 0 ]; then tail200="of a 200 $lat200 ms ($got200 of 40 got a 200)"; else tail200="none of the 40 got a 200"; fi
echo "latency of a 503 **${lat503:-?} ms**; $tail200."
echo
} | tee -a "$OUT"
stop_app

if [ "$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1)" -ge 21 ]; then
	echo "== 5. virtual threads, 2000 connections"
	start_app -Xmx1g --wsgi.scheduler.virtual-threads=true --wsgi.scheduler.thread-cap=4000 --wsgi.scheduler.queue-capacity=1000
	cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP/stat"; }
	t0=$(cpu_ticks); s0=$(date +%s.%N)
	vt=$(measure virtual 2000 "$BASE/wsgi/sleep?ms=20")
	t1=$(cpu_ticks); s1=$(date +%s.%N)
	cores=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", t / hz / (b - a) }')
	read -r _ vr vp vn _ vs <<<"$vt"
	vn=$((${vn%.*} + ${vs%.*}))
	{
	echo "## 5. Virtual threads: 20 ms app, 2000 connections"
	echo
	echo "| req/s | bound (2000 / 0.020 s) | share | p99 ms | errors | server CPU (cores of $(nproc)) |"
	echo "|---|---|---|---|---|---|"
	echo "| $vr | 100000 | $(ratio "$vr" 100000) | $vp | $vn | $cores |"
	echo
	echo "The server used $cores of the $(nproc) cores over the warm-up and runs, wrk (2000 connections) the rest: the"
	echo "machine's CPU, not the scheduler, caps this figure."
	echo
	} | tee -a "$OUT"
	stop_app
fi

if command -v gunicorn >/dev/null && /usr/bin/python3 -c 'import tornado' 2>/dev/null; then
	echo "== reference points: gunicorn (gthread, 64 threads) and Tornado's WSGIContainer"
	ref() { # label, command...
		local label=$1; shift
		(cd benchmarks/python && exec "$@") >"benchmarks/target/$label.log" 2>&1 &
		APP=$!
		for _ in $(seq 1 60); do curl -sf "$BASE/hello" >/dev/null 2>&1 && break; sleep 0.5; done
		local h s
		h=$(measure "$label" 64 "$BASE/hello")
		s=$(measure "$label" 256 "$BASE/sleep?ms=20")
		stop_app
		echo "$h|$s"
	}
	g=$(ref gunicorn gunicorn -k gthread --threads 64 -w 1 -b "127.0.0.1:$PORT" hello_app:app)
	t=$(ref tornado /usr/bin/python3 tornado_server.py "$PORT")
	read -r _ gh gp _ _ _ <<<"${g%%|*}"; read -r _ gs gsp gse _ gss <<<"${g##*|}"
	read -r _ th tp _ _ _ <<<"${t%%|*}"; read -r _ ts tsp tse _ tss <<<"${t##*|}"
	gse=$((${gse%.*} + ${gss%.*})); tse=$((${tse%.*} + ${tss%.*}))
	{
	echo "## Reference points: Python WSGI servers, same wrk settings"
	echo
	echo "| server | hello req/s (64 conn.) | hello p99 ms | 20 ms app req/s (256 conn.) | 20 ms p99 ms | 20 ms errors (non-2xx + timeouts) |"
	echo "|---|---|---|---|---|---|"
	echo "| wsgiflux (scenarios 1, 2) | $wr | $wp | $br | $bp | $bn |"
	echo "| gunicorn $(gunicorn --version 2>&1 | awk '{print $NF}' | tr -d '()'), gthread, 1 worker, 64 threads | $gh | $gp | $gs | $gsp | $gse |"
	echo "| Tornado $(/usr/bin/python3 -c 'import tornado; print(tornado.version)') WSGIContainer | $th | $tp | $ts | $tsp | $tse |"
	echo
	echo "Tornado's WSGIContainer runs the app on its event loop, so the 20 ms sleeps are served one at a time."
	echo
	} | tee -a "$OUT"
fi

echo "== 6. streaming 1 GiB"
speed() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
upload() { # path, then curl options -> bytes/s of a 1 GiB chunked upload from a pipe
	local path=$1; shift
	head -c 1073741824 /dev/zero | curl -s -o /dev/null -w '%{speed_upload}' -T - "$@" "$BASE/$path"
}
uploads() { # heap -> "wsgi-median native-median ratio-median ratios..." over $REPEATS interleaved pairs after a warm-up
	local w n ws=() ns=() rs=()
	# Two of each: after one, the first measured WSGI upload was still the slowest of its run (compiling).
	upload wsgi/upload >/dev/null; upload native/upload -X POST >/dev/null
	upload wsgi/upload >/dev/null; upload native/upload -X POST >/dev/null
	for _ in $(seq 1 "$REPEATS"); do
		w=$(upload wsgi/upload); n=$(upload native/upload -X POST)
		ws+=("$w"); ns+=("$n"); rs+=("$(ratio "$w" "$n")")
	done
	echo "$(printf '%s\n' "${ws[@]}" | median) $(printf '%s\n' "${ns[@]}" | median) $(printf '%s\n' "${rs[@]}" | median) ${rs[*]}"
}
start_app -Xmx64m
wd=$(curl -s -o /dev/null -w '%{speed_download}' "$BASE/wsgi/download?mb=1024")
nd=$(curl -s -o /dev/null -w '%{speed_download}' "$BASE/native/download?mb=1024")
read -r wu nu ru rus <<<"$(uploads)"
stop_app
# Above 512 MiB of heap Netty's adaptive allocator leaves its low-memory mode, in which every socket read of an
# upload is an unpooled buffer (on JDK 25 freed with a JVM-wide handshake): the same upload with a 1 GiB heap.
start_app -Xmx1g
read -r wu1 nu1 ru1 rus1 <<<"$(uploads)"
stop_app
{
echo "## 6. Streaming 1 GiB (curl, chunked upload from a pipe)"
echo
echo "| direction | heap | WSGI MB/s | native MB/s | ratio |"
echo "|---|---|---|---|---|"
echo "| download | 64 MiB | $(speed "$wd") | $(speed "$nd") | $(ratio "$wd" "$nd") |"
echo "| upload | 64 MiB | $(speed "$wu") | $(speed "$nu") | **$ru** (each pair: $rus) |"
echo "| upload | 1 GiB | $(speed "$wu1") | $(speed "$nu1") | **$ru1** (each pair: $rus1) |"
echo
echo "Uploads: two warm-ups of each, then $REPEATS interleaved pairs, medians; the WSGI app reads \`wsgi.input\` in 64 KiB"
echo "reads, the native handler counts \`DataBuffer\`s. Target: upload >= 0.9 of native."
echo
} | tee -a "$OUT"

if command -v h2load >/dev/null; then
	echo "== 6b. HTTP/2 (h2c), hello"
	start_app -Xmx1g --server.http2.enabled=true
	h2() { h2load -n "$1" -c 16 -m 10 "$BASE/$2" | awk '/^finished in/ {print $4}'; }
	h2 100000 native/hello >/dev/null; h2 100000 wsgi/hello >/dev/null
	hn=(); hw=(); hr=()
	for _ in $(seq 1 "$REPEATS"); do
		n=$(h2 300000 native/hello); w=$(h2 300000 wsgi/hello)
		hn+=("$n"); hw+=("$w"); hr+=("$(ratio "$w" "$n")")
	done
	stop_app
	{
	echo "## 6b. HTTP/2 (h2c): \`h2load -n 300000 -c 16 -m 10\`, hello"
	echo
	echo "| endpoint | req/s |"
	echo "|---|---|"
	echo "| native RouterFunction | $(printf '%s\n' "${hn[@]}" | median) |"
	echo "| WSGI | $(printf '%s\n' "${hw[@]}" | median) |"
	echo
	echo "WSGI/native, median of $REPEATS interleaved pairs: **$(printf '%s\n' "${hr[@]}" | median)** (target >= 0.9; each pair:"
	echo "${hr[*]})."
	echo
	} | tee -a "$OUT"
else
	echo "h2load is missing (apt-get install nghttp2-client): HTTP/2 scenario skipped" >&2
fi
scenario_compare
echo "Results written to $OUT"
