#!/usr/bin/env bash
# The demo: builds everything, starts a local Kafka broker, sends 10,000 events/s through a
# shuffled real-time query for 60 s and prints end-to-end latency percentiles and throughput.
#   ./demo.sh [--rate 10000] [--seconds 60] [--warmup-s 20] [--ramp-s 10] [--trigger realtime|microbatch] [--epoch-ms 100] [--pause-output-s 0]
#   ./demo.sh ... --plan   checks the flags and prints the run without starting anything
# RTM_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")"

if [[ "${RTM_SKIP_BUILD:-0}" != 1 ]]; then
  echo "building (mvn -DskipTests install)..."
  mvn -B -q -ntp -DskipTests install
fi

plugin_jar=rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar
# The harness classes plus Spark's runtime jars, as resolved by the bench build, plus the shaded
# plugin jar: exactly what a user's application has with --jars.
classpath="bench/target/classes:$(cat bench/target/classes/io/rtm/bench/harness/spark-runtime.classpath):$plugin_jar"

# Spark reads its bind address only from the environment.
export SPARK_LOCAL_IP=127.0.0.1
exec java @bench/spark-jvm.args -Xmx3g -Dlog4j2.configurationFile=bench/src/main/resources/log4j2.properties \
  -cp "$classpath" io.rtm.bench.Demo "$@"
