#!/usr/bin/env bash
# JMH microbenchmarks of the engine's hot paths (bench/src/jmh/java):
#   ShuffleThroughputBenchmark       records/s, one map task to one reduce task over 127.0.0.1
#   UnsafeRowSerializationBenchmark  UnsafeRow bytes out (map side) and in (reduce side)
#   ShuffleLatencyBenchmark          per-record latency (p50/p99/p99.9), one record in flight over
#                                    127.0.0.1, default flush delay against 0
#   BarrierAlignmentBenchmark        the alignment state machine: ns per aligned epoch, 2/8/32 channels
#   GateRecordPathBenchmark          InputGate.next() ns per record, no barrier pending / one epoch
#                                    per 2,048 records, 2/8/32 channels, no socket
#   JsonParsingBenchmark             from_json of one ~200-byte event: Spark's reader per record against
#                                    the real-time stages' string parser (add -prof gc for bytes per record)
#   DirectoryDeleteBenchmark         the create + delete of a local directory inside every RocksDB
#                                    snapshot commit: Spark's rm -rf fork against java.io
# Arguments go to JMH, e.g.:  bench/run-jmh.sh Shuffle -p recordBytes=200 -f 1 -wi 2 -i 3
# RTM_SKIP_BUILD=1 reuses the last build. -l lists the benchmarks. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${RTM_SKIP_BUILD:-0}" != 1 ]]; then
  # test-compile runs JMH's annotation processor over src/jmh/java and writes target/jmh.classpath;
  # through the reactor (-am) that classpath names rtm-shuffle/target/classes, so nothing is
  # installed into the local Maven repository.
  mvn -B -q -ntp test-compile -pl bench -am
fi

exec java @bench/spark-jvm.args -cp "bench/target/test-classes:bench/target/classes:$(cat bench/target/jmh.classpath)" \
  org.openjdk.jmh.Main "$@"
