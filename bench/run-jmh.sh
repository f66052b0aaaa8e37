#!/usr/bin/env bash
# JMH microbenchmarks of the engine's hot paths (bench/src/jmh/java):
#   ShuffleThroughputBenchmark       records/s, one map task to one reduce task over 127.0.0.1
#   UnsafeRowSerializationBenchmark  UnsafeRow bytes out (map side) and in (reduce side)
# Arguments go to JMH, e.g.:  bench/run-jmh.sh Shuffle -p recordBytes=200 -f 1 -wi 2 -i 3
# RTM_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${RTM_SKIP_BUILD:-0}" != 1 ]]; then
  # test-compile runs JMH's annotation processor over src/jmh/java and writes target/jmh.classpath.
  mvn -B -q -ntp -DskipTests install -pl rtm-shuffle
  mvn -B -q -ntp test-compile -pl bench
fi

exec java @bench/spark-jvm.args -cp "bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh.classpath)" \
  org.openjdk.jmh.Main "$@"
