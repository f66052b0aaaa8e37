"""Helpers for the notebooks: the Kafka broker, paced input with send times, latency statistics
and plots. The queries themselves stay in the notebooks."""
from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import numpy as np

from . import events, kafka_io
from .broker import KafkaBroker


def output_dir(default: str = "output") -> Path:
    d = Path(os.environ.get("RTM_NOTEBOOK_OUTPUT", default))
    d.mkdir(parents=True, exist_ok=True)
    return d


def start_broker() -> KafkaBroker:
    """The broker named by RTM_KAFKA_BOOTSTRAP (run_notebooks.py starts one), else one of our own."""
    return KafkaBroker.start()


def run_suffix() -> str:
    """Topic names stay unique when several notebooks share one broker."""
    return uuid.uuid4().hex[:8]


class PacedProducer:
    """Sends events ``first_id, first_id + 1, ...`` at ``rate`` per second for ``duration_s`` seconds on
    a thread of its own; each event carries ``sent_ms``, the wall-clock time just before the send."""

    def __init__(self, bootstrap: str, topic: str, rate: float, duration_s: float, first_id: int = 0,
                 make_event=None):
        self.bootstrap, self.topic, self.rate, self.duration_s = bootstrap, topic, rate, duration_s
        self.first_id = first_id
        self.sent = 0
        self.error: BaseException | None = None
        self._make_event = make_event or (lambda i, sent_ms: events.event_json(i, sent_ms=sent_ms))
        self._thread = threading.Thread(target=self._run, name=f"paced-{topic}", daemon=True)

    def start(self) -> "PacedProducer":
        self._thread.start()
        return self

    def _run(self) -> None:
        p = kafka_io.producer(self.bootstrap, linger_ms=0)
        try:
            start = time.perf_counter()
            total = int(self.rate * self.duration_s)
            for k in range(total):
                due = start + k / self.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                i = self.first_id + k
                p.send(self.topic, key=events.account(i).encode(),
                       value=self._make_event(i, time.time() * 1000.0))
                self.sent += 1
            p.flush(timeout=30)
        except BaseException as e:  # noqa: BLE001 - reported by join()
            self.error = e
        finally:
            p.close(timeout=10)

    def join(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self.error:
            raise self.error
        return self.sent

    @property
    def ids(self) -> range:
        return range(self.first_id, self.first_id + self.sent)


def latencies_ms(records, value_field: str = "sent_ms", ids: range | None = None) -> np.ndarray:
    """End-to-end latency per output record: its Kafka CreateTime (stamped by Spark's Kafka writer
    when the row is sent) minus the input event's ``sent_ms``."""
    import json  # noqa: PLC0415

    out = []
    for r in records:
        v = json.loads(r.value)
        if ids is not None and v.get("event_id") not in ids:
            continue
        sent = v.get(value_field)
        if sent is not None:
            out.append(r.timestamp_ms - float(sent))
    return np.asarray(out, dtype=float)


def summary(lat: np.ndarray) -> dict[str, float]:
    if lat.size == 0:
        return {"n": 0}
    p = np.percentile(lat, [50, 90, 99])
    return {"n": int(lat.size), "p50_ms": round(float(p[0]), 1), "p90_ms": round(float(p[1]), 1),
            "p99_ms": round(float(p[2]), 1), "max_ms": round(float(lat.max()), 1)}


def plot_cdf(ax, lat: np.ndarray, label: str) -> None:
    xs = np.sort(np.maximum(lat, 0.1))
    ys = np.arange(1, xs.size + 1) / xs.size
    ax.plot(xs, ys, label=f"{label} (p50 {np.median(lat):.0f} ms)")
    ax.set_xscale("log")
    ax.set_xlabel("end-to-end latency (ms, log scale)")
    ax.set_ylabel("fraction of records")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")


def committed_epochs(checkpoint: str) -> int:
    commits = Path(checkpoint) / "commits"
    return sum(1 for p in commits.iterdir() if p.name.isdigit()) if commits.is_dir() else 0
