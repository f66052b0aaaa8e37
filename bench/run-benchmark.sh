#!/usr/bin/env bash
# The latency benchmark: every workload under every mode on one local broker; writes
# bench/results/<timestamp>/results.md, results.json and plots/. See docs/benchmarks.md.
#   bench/run-benchmark.sh [--quick] [--workloads ...] [--modes ...] [--rates 1000,10000]
#                          [--warmup-s 10] [--window-s 10] [--plan]
# --quick checks that every mode's output is complete and correct (exit 1 otherwise), in <= 3 min.
# --plan prints the runs the other flags select and exits, measuring nothing.
# RTM_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${RTM_SKIP_BUILD:-0}" != 1 ]]; then
  echo "building the plugin and the bench module (mvn -DskipTests install)..."
  mvn -B -q -ntp -DskipTests install -pl rtm-shuffle,rtm-operators,rtm-plugin,bench
fi

# The benchmark's own JVM runs the broker's clients, the generator, the recorder and the plots;
# every mode runs in a child JVM it starts with the Spark classpath plus the shaded plugin jar.
exec java @bench/spark-jvm.args -Xmx2g -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=bench/src/main/resources/log4j2.properties \
  -cp "bench/target/classes:$(cat bench/target/benchmark.classpath)" io.rtm.bench.Benchmark \
  --plugin-jar rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar --results bench/results "$@"
