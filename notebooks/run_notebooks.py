#!/usr/bin/env python3
"""Runs the notebooks headless with nbclient and fails on any cell error.

    python/.venv/bin/python notebooks/run_notebooks.py            # SHORT_RUN = True (CI)
    python/.venv/bin/python notebooks/run_notebooks.py --full     # the full measurements
    python/.venv/bin/python notebooks/run_notebooks.py 02_epoch_interval.ipynb

Each notebook's cell tagged "parameters" is followed by an injected cell that sets SHORT_RUN and
OUTPUT_DIR (papermill's convention). Executed copies go to notebooks/output/<name>.ipynb (also when a
cell fails, up to that cell), plots to notebooks/output/*.png. One Kafka broker is started for all
notebooks (unless RTM_KAFKA_BOOTSTRAP names one); each notebook starts and stops its own SparkSession.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "python"))

from rtm_testkit.broker import KafkaBroker  # noqa: E402


def with_parameters(nb, short_run: bool, output_dir: Path):
    source = f"# Injected by run_notebooks.py\nSHORT_RUN = {short_run}\nOUTPUT_DIR = {str(output_dir)!r}\n"
    injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    for i, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            nb.cells.insert(i + 1, injected)
            return nb
    raise ValueError("no cell tagged 'parameters'")


def run(path: Path, short_run: bool, output_dir: Path, cell_timeout: int) -> tuple[bool, float, str]:
    nb = with_parameters(nbformat.read(path, as_version=4), short_run, output_dir)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}})
    started = time.monotonic()
    error = ""
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        error = str(e)
    except Exception as e:  # noqa: BLE001 - a dead kernel is a failure too
        error = f"{type(e).__name__}: {e}"
    finally:
        nbformat.write(nb, output_dir / path.name)
    return not error, time.monotonic() - started, error


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook file names (default: all in notebooks/)")
    parser.add_argument("--full", action="store_true", help="SHORT_RUN = False")
    parser.add_argument("--output-dir", default=str(HERE / "output"))
    parser.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    output_dir = Path(args.output_dir).resolve()
    output_dir.mkdir(parents=True, exist_ok=True)
    paths = [HERE / n for n in args.notebooks] if args.notebooks else sorted(HERE.glob("[0-9]*.ipynb"))
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["RTM_NOTEBOOK_OUTPUT"] = str(output_dir)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "python")] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))

    own_broker = None
    if not os.environ.get("RTM_KAFKA_BOOTSTRAP"):
        own_broker = KafkaBroker.start()
        os.environ["RTM_KAFKA_BOOTSTRAP"] = own_broker.bootstrap  # the kernels inherit it
    failures = []
    try:
        for path in paths:
            ok, seconds, error = run(path, not args.full, output_dir, args.cell_timeout)
            print(f"notebook {path.name}: {'passed' if ok else 'FAILED'} in {seconds:.0f} s", flush=True)
            if not ok:
                failures.append(path.name)
                print(error[-4000:], file=sys.stderr, flush=True)
    finally:
        if own_broker is not None:
            own_broker.close()
            del os.environ["RTM_KAFKA_BOOTSTRAP"]
    print(f"notebooks: {len(paths) - len(failures)} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
