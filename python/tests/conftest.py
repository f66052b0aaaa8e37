"""Fixtures: one Kafka broker and one real-time SparkSession (local[8]) for the whole session."""
from __future__ import annotations

import itertools
import os

import pytest

from rtm_testkit import paths
from rtm_testkit.broker import KafkaBroker
from rtm_testkit.session import real_time_session

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")

_topic_ids = itertools.count(1)


@pytest.fixture(scope="session")
def broker():
    with KafkaBroker.start() as b:
        yield b


@pytest.fixture(scope="session")
def spark():
    session = real_time_session("local[8]", "rtm-pytest")
    yield session
    session.stop()


@pytest.fixture
def topic(broker):
    """``topic("in", 2)`` creates a fresh topic and returns its name."""

    def create(prefix: str, partitions: int = 1) -> str:
        return broker.create_topic(f"{prefix}-{next(_topic_ids)}", partitions)

    return create


@pytest.fixture
def checkpoint():
    return lambda name="cp": str(paths.work_dir(name))
