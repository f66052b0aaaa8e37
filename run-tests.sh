#!/usr/bin/env bash
# Runs every test, the way a user meets the plugin:
#   1. python/.venv (PySpark 4.2.0 with its own bin/spark-submit, pytest, the notebook stack), made
#      from python/requirements.txt when missing or changed (~1 min the first time), in the
#      background while step 2 builds and runs the unit tests: it is mostly download and unpack, and
#      SparkSubmitIT, the first user of the venv, waits for its ready marker;
#   2. mvn verify: unit tests of each module, then the integration tests against the shaded jar
#      (real Kafka broker, Spark standalone cluster, and SparkSubmitIT's real spark-submit runs of a
#      Java and a Python application from the venv's PySpark distribution);
#   3. the README's other command, the demo, on the jars step 2 built, for 20 s with its output
#      broker frozen for 5 s (docs/guarantees.md): it exits non-zero when no record came through and
#      when a kept event never arrives;
#   4. the Python side against the jars step 2 built: the pytest suite (the fraud query from PySpark
#      against a real broker) and the three notebooks run headless with SHORT_RUN = True, plots saved
#      to notebooks/output/.
#
#   ./run-tests.sh                  # everything
#   ./run-tests.sh -pl rtm-shuffle  # arguments go to mvn; the Python side then runs only when the
#                                   # jars it needs are built (RTM_SKIP_PYTHON=1 skips it outright)
set -euo pipefail
cd "$(dirname "$0")"

# The venv's set-up log and its outcome marker, which SparkSubmitIT waits for.
venv_log=python/.venv-setup.log
venv_done=python/.venv-setup.done
venv_failed=python/.venv-setup.failed
rm -f "$venv_done" "$venv_failed"
( if python/run-python-tests.sh --setup-only > "$venv_log" 2>&1; then touch "$venv_done"; else touch "$venv_failed"; fi ) &
venv_setup=$!
# SparkSubmitIT fails instead of skipping when it cannot find the venv's spark-submit, and waits for
# the background set-up above to finish first.
export RTM_REQUIRE_SPARK_SUBMIT=1
export RTM_VENV_SETUP_PENDING=1
mvn_status=0
mvn -B -ntp verify "$@" || mvn_status=$?
venv_status=0
wait "$venv_setup" || venv_status=$?
cat "$venv_log"
if [[ -e "$venv_failed" || $venv_status -ne 0 ]]; then
  echo "== python/.venv set-up failed (log above)"
  exit 1
fi
if [[ $mvn_status -ne 0 ]]; then
  exit "$mvn_status"
fi

if [[ "${RTM_SKIP_PYTHON:-0}" == 1 ]]; then
  echo "== RTM_SKIP_PYTHON=1: pytest and notebooks skipped"
  exit 0
fi
if [[ $# -gt 0 ]] && ! ls rtm-plugin/target/rtm-plugin-*.jar bench/target/bench-*.jar >/dev/null 2>&1; then
  echo "== pytest and notebooks skipped: mvn $* did not build the plugin and bench jars"
  exit 0
fi
echo "== the demo (README) with its output broker frozen for 5 s (docs/guarantees.md), 20 s"
RTM_SKIP_BUILD=1 ./demo.sh --seconds 20 --warmup-s 5 --pause-output-s 5
exec python/run-python-tests.sh
