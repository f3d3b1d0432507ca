#!/usr/bin/env bash
# JMH benchmarks of the per-request hot path, with allocation per operation (-prof gc).
#   benchmarks/jmh.sh            # 3 warm-up and 5 measured iterations of 2 s, one fork
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
OUT=benchmarks/target/jmh.txt
"$JAVA" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
	-f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc "${@:-HotPathBenchmark}" | tee "$OUT"
# Replace the JMH section of RESULTS.md (run.sh writes the sections before it).
RESULTS=benchmarks/RESULTS.md
touch "$RESULTS"
sed -i '/^## 7\. Hot path (JMH)/,$d' "$RESULTS"
{
echo "## 7. Hot path (JMH)"
echo
echo "Command: \`benchmarks/jmh.sh\` ($("$JAVA" -version 2>&1 | head -1)). Time per operation and bytes allocated per"
echo "operation (\`gc.alloc.rate.norm\`); \`environ\` builds the environ of a browser request with 7 headers, \`bridge\` is"
echo "the whole request without the network (environ, the application call on an immediate scheduler, publishing and"
echo "writing a one-chunk response to a mock exchange, metrics on), \`baseline\` the mock exchange alone: \`bridge - baseline\` is the"
echo "gateway's share of a request."
echo
echo '```'
sed -n '/^Benchmark  /,$p' "$OUT"
echo '```'
echo
echo "Budget (kept by the next runs; a change that breaks it must say why): \`environ\` <= 1.5 µs and <= 3 KB per request;"
echo "the gateway's share of \`bridge\` (\`bridge - baseline\`) <= 5 µs and <= 8 KB per request."
} >>"$RESULTS"
