#!/usr/bin/env bash
# Runs every test, the way a user meets the plugin:
#   1. python/.venv (PySpark 4.2.0 with its own bin/spark-submit, pytest, the notebook stack), made
#      from python/requirements.txt when missing or changed (~1 min the first time);
#   2. mvn verify: unit tests of each module, then the integration tests against the shaded jar
#      (real Kafka broker, Spark standalone cluster, and SparkSubmitIT's real spark-submit runs of a
#      Java and a Python application from the venv's PySpark distribution);
#   3. the README's other command, the demo, on the jars step 2 built, for 15 s (it exits non-zero
#      when no record came through), and once more for 20 s with its output broker frozen for 5 s
#      (docs/guarantees.md; it exits non-zero when a kept event never arrives);
#   4. the Python side against the jars step 2 built: the pytest suite (the fraud query from PySpark
#      against a real broker) and the three notebooks run headless with SHORT_RUN = True, plots saved
#      to notebooks/output/.
#
#   ./run-tests.sh                  # everything
#   ./run-tests.sh -pl rtm-shuffle  # arguments go to mvn; the Python side then runs only when the
#                                   # jars it needs are built (RTM_SKIP_PYTHON=1 skips it outright)
set -euo pipefail
cd "$(dirname "$0")"

python/run-python-tests.sh --setup-only
# SparkSubmitIT fails instead of skipping when it cannot find the venv's spark-submit.
export RTM_REQUIRE_SPARK_SUBMIT=1
mvn -B -ntp verify "$@"

if [[ "${RTM_SKIP_PYTHON:-0}" == 1 ]]; then
  echo "== RTM_SKIP_PYTHON=1: pytest and notebooks skipped"
  exit 0
fi
if [[ $# -gt 0 ]] && ! ls rtm-plugin/target/rtm-plugin-*.jar bench/target/bench-*.jar >/dev/null 2>&1; then
  echo "== pytest and notebooks skipped: mvn $* did not build the plugin and bench jars"
  exit 0
fi
echo "== the demo (README), 15 s"
RTM_SKIP_BUILD=1 ./demo.sh --seconds 15 --warmup-s 5
echo "== the demo with its output broker frozen for 5 s (docs/guarantees.md), 20 s"
RTM_SKIP_BUILD=1 ./demo.sh --seconds 20 --warmup-s 5 --pause-output-s 5
exec python/run-python-tests.sh
