"""Deterministic input for the fraud query: every field of an event derives from its id, so a test
can compute the expected per-(account, window) counts without running Spark.

The same formulas are in it-tests' ``SparkSubmitIT`` (Java): keep them in step.
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)
ACCOUNTS = 13
WINDOWS = 10
THRESHOLD = 10.0  # the fraud query keeps amount > THRESHOLD


def account(event_id: int) -> str:
    return f"acct-{event_id % ACCOUNTS}"


def amount(event_id: int) -> float:
    return (event_id * 7919 % 1000) / 10.0


def merchant(event_id: int) -> str:
    return f"shop-{event_id % 11}"


def ts(event_id: int) -> datetime:
    """Event time: one of WINDOWS one-second windows after BASE, with a millisecond offset."""
    return BASE + timedelta(seconds=(event_id * 7) % WINDOWS, milliseconds=event_id % 1000)


def ts_text(event_id: int) -> str:
    return ts(event_id).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts(event_id).microsecond // 1000:03d}Z"


def event(event_id: int, **extra) -> dict:
    e = {
        "event_id": event_id,
        "account_id": account(event_id),
        "amount": amount(event_id),
        "merchant": merchant(event_id),
        "ts": ts_text(event_id),
    }
    e.update(extra)
    return e


def event_json(event_id: int, **extra) -> bytes:
    return json.dumps(event(event_id, **extra), separators=(",", ":")).encode("utf-8")


def window_key(event_id: int) -> str:
    """The fraud query's output key: ``account|window start`` (UTC, Spark's timestamp-to-string)."""
    start = ts(event_id).replace(microsecond=0)
    return f"{account(event_id)}|{start.strftime('%Y-%m-%d %H:%M:%S')}"


def expected_counts(ids) -> dict[str, int]:
    """Per output key, the number of events the fraud query counts (amount > THRESHOLD)."""
    return dict(Counter(window_key(i) for i in ids if amount(i) > THRESHOLD))
