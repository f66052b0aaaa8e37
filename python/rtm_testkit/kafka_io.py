"""Plain Kafka clients (kafka-python) for tests and notebooks."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer

from . import events


def producer(bootstrap: str, **config) -> KafkaProducer:
    defaults = dict(bootstrap_servers=bootstrap, linger_ms=0, acks="all", retries=5)
    defaults.update(config)
    return KafkaProducer(**defaults)


def produce_events(bootstrap: str, topic: str, ids) -> int:
    """Sends the deterministic events with the given ids, keyed by account, and waits for every ack."""
    p = producer(bootstrap, linger_ms=5)
    n = 0
    try:
        futures = []
        for i in ids:
            futures.append(p.send(topic, key=events.account(i).encode(), value=events.event_json(i)))
            n += 1
        p.flush(timeout=60)
        for f in futures:
            f.get(timeout=30)  # raises on a failed send
    finally:
        p.close(timeout=10)
    return n


def consumer(bootstrap: str, topic: str, **config) -> KafkaConsumer:
    defaults = dict(bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False,
                    group_id=None, fetch_max_wait_ms=10, consumer_timeout_ms=1000)
    defaults.update(config)
    return KafkaConsumer(topic, **defaults)


def last_per_key(bootstrap: str, topic: str, idle_polls: int = 5) -> dict[str, str]:
    """The last value per key of a topic read from the beginning: an update-mode query's result."""
    last: dict[str, str] = {}
    c = consumer(bootstrap, topic)
    try:
        idle = 0
        while idle < idle_polls:
            batch = c.poll(timeout_ms=300)
            idle = 0 if batch else idle + 1
            for records in batch.values():
                for r in records:
                    last[r.key.decode()] = r.value.decode()
    finally:
        c.close()
    return last


def counts_of(last: dict[str, str]) -> dict[str, int]:
    """The fraud query's output values (JSON with a ``count``) as counts per key."""
    return {k: int(json.loads(v)["count"]) for k, v in last.items()}


@dataclass(frozen=True)
class Received:
    key: str | None
    value: str
    timestamp_ms: int  # the record's CreateTime, set by Spark's Kafka writer when it sends the row
    arrived_s: float  # time.time() when this consumer got it


class Collector:
    """Reads a topic from the beginning on a thread of its own and keeps every record."""

    def __init__(self, bootstrap: str, topic: str):
        self._records: list[Received] = []
        self._lock = threading.Lock()
        self._running = True
        self._consumer = consumer(bootstrap, topic, fetch_max_wait_ms=5)
        self._thread = threading.Thread(target=self._run, name=f"collector-{topic}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while self._running:
            batch = self._consumer.poll(timeout_ms=50)
            now = time.time()
            got = [Received(r.key.decode() if r.key is not None else None, r.value.decode(), r.timestamp, now)
                   for records in batch.values() for r in records]
            if got:
                with self._lock:
                    self._records.extend(got)
        self._consumer.close()

    def records(self) -> list[Received]:
        with self._lock:
            return list(self._records)

    def count(self) -> int:
        with self._lock:
            return len(self._records)

    def wait_for(self, n: int, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.count() >= n:
                return True
            time.sleep(0.05)
        return self.count() >= n

    def close(self) -> None:
        self._running = False
        self._thread.join(timeout=10)

    def __enter__(self) -> "Collector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
