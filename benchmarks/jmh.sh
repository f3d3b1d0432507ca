#!/usr/bin/env bash
# JMH benchmarks of the per-request hot path, with allocation per operation (-prof gc).
#   benchmarks/jmh.sh            # 6 warm-up and 5 measured iterations of 2 s, two forks (with 3, the bridge was still compiling in the first measured one)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/target/jmh.txt
"$JAVA" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
	-f 2 -wi 6 -i 5 -w 2s -r 2s -prof gc "${@:-HotPathBenchmark}" | tee "$OUT"
# Replace the JMH section of RESULTS.md (run.sh writes the sections before it).
RESULTS=benchmarks/RESULTS.md
touch "$RESULTS"
sed -i '/^## 7\. Hot path (JMH)/,$d' "$RESULTS"
score() { # benchmark name, metric suffix ("" for time) -> score
	awk -v b="HotPathBenchmark.$1${2:-}" '$1 == b {print $4}' "$OUT"
}
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a - b }'; }
{
echo "## 7. Hot path (JMH)"
echo
echo "Command: \`benchmarks/jmh.sh\` ($("$JAVA" -version 2>&1 | head -1)), two forks. Time per operation and bytes"
echo "allocated per operation (\`gc.alloc.rate.norm\`, exact where the time is noisy): \`environ\` builds the environ of a"
echo "browser request with 7 headers; \`bridge\` is the whole request without the network (environ, the application"
echo "call on an immediate scheduler, publishing and writing a one-chunk response to a mock exchange, metrics and the routes report on);"
echo "\`baseline\` is the exchange alone, its path parsed as the server's routing parses it before any handler runs; \`baselineWrite\` is the exchange writing the same response itself (status, two"
echo "headers, one buffer, blocking twice as the bridge's harness does): what the request costs with no handler at all;"
echo "\`nativeBridge\` answers the same request with a native handler function and the same response, written the same way."
echo
echo '```'
sed -n '/^Benchmark  /,$p' "$OUT"
echo '```'
echo
echo "| | ns/op | B/op |"
echo "|---|---|---|"
echo "| gateway's own share, \`bridge - baselineWrite\` | $(minus "$(score bridge)" "$(score baselineWrite)") | $(minus "$(score bridge ':gc.alloc.rate.norm')" "$(score baselineWrite ':gc.alloc.rate.norm')") |"
echo "| gateway and response writing, \`bridge - baseline\` | $(minus "$(score bridge)" "$(score baseline)") | $(minus "$(score bridge ':gc.alloc.rate.norm')" "$(score baseline ':gc.alloc.rate.norm')") |"
echo "| more than a native handler, \`bridge - nativeBridge\` | $(minus "$(score bridge)" "$(score nativeBridge)") | $(minus "$(score bridge ':gc.alloc.rate.norm')" "$(score nativeBridge ':gc.alloc.rate.norm')") |"
echo "| \`environ\` | $(minus "$(score environ)" 0) | $(minus "$(score environ ':gc.alloc.rate.norm')" 0) |"
echo
echo "Budget: \`environ\` <= 1.5 µs and <= 3 KB per request; issue 16 asks the gateway's share with metrics on to reach"
echo "<= 1.5 µs and <= 3 KB (\`bridge - baseline\` was 2.8 µs and 7.1 KB when filed). \`bridge - baseline\` also counts"
echo "Spring writing the response to the mock exchange (about 3 KB: the mock response caches what it is written, a"
echo "native handler pays it too), so the gateway's own share is measured against \`baselineWrite\`."
} >>"$RESULTS"
