#!/usr/bin/env bash
# The Python side of the tests: the pytest suite (python/tests) and the notebooks (notebooks/, short
# run), against the built plugin jar. No Maven: the jars must already be built (mvn verify, or
# mvn install -DskipTests), since the tests read the shaded plugin jar from rtm-plugin/target and the
# Kafka broker's and connector's classpaths from bench's build output.
#
#   python/run-python-tests.sh                 # set up python/.venv if needed, then pytest + notebooks
#   python/run-python-tests.sh --setup-only    # only create/update python/.venv (SparkSubmitIT needs it)
#   python/run-python-tests.sh --no-notebooks  # pytest only
#   python/run-python-tests.sh -- -k fraud     # arguments after -- go to pytest
#
# The virtualenv is rebuilt whenever python/requirements.txt changes. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
HERE="$(pwd)"
VENV="$HERE/.venv"

setup_only=false
notebooks=true
pytest_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --setup-only) setup_only=true ;;
    --no-notebooks) notebooks=false ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

seconds() { date +%s; }
t0=$(seconds)

# --- the virtualenv ---
PYTHON="${PYTHON:-python3}"
if [[ ! -x "$VENV/bin/python" ]] || ! cmp -s requirements.txt "$VENV/.requirements.installed"; then
  echo "== creating $VENV from requirements.txt"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
  cp requirements.txt "$VENV/.requirements.installed"
fi
echo "== python/.venv ready ($(( $(seconds) - t0 )) s): $("$VENV/bin/python" -c 'import pyspark, sys; print("PySpark", pyspark.__version__, "on Python", sys.version.split()[0])')"
if $setup_only; then
  exit 0
fi

# --- what the tests need from the Maven build ---
"$VENV/bin/python" - <<'PY'
import sys
sys.path.insert(0, ".")
from rtm_testkit import paths
try:
    jars = paths.spark_jars()
    paths.harness_classpath()
except FileNotFoundError as e:
    sys.exit(f"run-python-tests.sh: {e}")
print("== spark.jars:", ", ".join(p.name for p in jars))
PY

export SPARK_LOCAL_IP=127.0.0.1
# Scratch (checkpoints, broker launcher logs) of the previous run.
[[ -n "${RTM_WORK_DIR:-}" ]] || rm -rf "$HERE/work"
status=0

# --- pytest ---
t1=$(seconds)
echo "== pytest"
pytest_log="$(mktemp)"
set +e
"$VENV/bin/python" -m pytest "${pytest_args[@]}" 2>&1 | tee "$pytest_log"
pytest_status=${PIPESTATUS[0]}
set -e
pytest_summary="$(grep -E '^=+ .*(passed|failed|error|skipped|no tests ran).* in [0-9.]+s' "$pytest_log" | tail -1 || true)"
rm -f "$pytest_log"
pytest_s=$(( $(seconds) - t1 ))
[[ $pytest_status -eq 0 ]] || status=1

# --- notebooks (short run) ---
notebooks_status=skipped
notebooks_s=0
if $notebooks; then
  t2=$(seconds)
  echo "== notebooks (SHORT_RUN = True)"
  set +e
  "$VENV/bin/python" ../notebooks/run_notebooks.py
  nb=$?
  set -e
  notebooks_s=$(( $(seconds) - t2 ))
  if [[ $nb -eq 0 ]]; then notebooks_status=passed; else notebooks_status=FAILED; status=1; fi
fi

echo "== pytest summary: ${pytest_summary:-none (pytest exit $pytest_status)}"
echo "== python tests: pytest $([[ $pytest_status -eq 0 ]] && echo passed || echo "FAILED (exit $pytest_status)") in ${pytest_s} s," \
  "notebooks ${notebooks_status} in ${notebooks_s} s, total $(( $(seconds) - t0 )) s"
exit $status
