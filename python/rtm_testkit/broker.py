"""A throwaway Kafka broker for tests and notebooks: the bench harness's KafkaBroker (a KRaft
broker in its own JVM on 127.0.0.1), started through ``java/KafkaBrokerLauncher.java``.

Set ``RTM_KAFKA_BOOTSTRAP=host:port`` to use a broker that is already running instead; topics are
then created with Kafka's admin protocol (kafka-python).
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

from . import paths

LAUNCHER = Path(__file__).resolve().parent / "java" / "KafkaBrokerLauncher.java"
STARTUP_TIMEOUT_S = 120


class KafkaBroker:
    """``with KafkaBroker.start() as broker: broker.create_topic("in", 2); broker.bootstrap``"""

    def __init__(self, bootstrap: str, process: subprocess.Popen | None, log: Path | None):
        self.bootstrap = bootstrap
        self._process = process
        self._log = log
        self._lock = threading.Lock()

    @classmethod
    def start(cls, work_dir: Path | None = None) -> "KafkaBroker":
        """A broker of our own, or the one named by RTM_KAFKA_BOOTSTRAP."""
        external = os.environ.get("RTM_KAFKA_BOOTSTRAP")
        if external:
            return cls(external, None, None)
        work_dir = Path(work_dir) if work_dir else paths.work_dir("kafka")
        work_dir.mkdir(parents=True, exist_ok=True)
        argfile = work_dir / "launcher.args"
        # The classpath is ~30 KB: an @argfile keeps it off the command line.
        argfile.write_text("-cp\n" + os.pathsep.join(str(p) for p in paths.harness_classpath()) + "\n",
                           encoding="utf-8")
        log = work_dir / "launcher.log"
        process = subprocess.Popen(
            [paths.java_executable(), "-Xmx256m", "-XX:+UseSerialGC", f"@{argfile}", str(LAUNCHER),
             str(work_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(log, "wb"),
            text=True, bufsize=1, env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"})
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        line = ""
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break  # exited
            if line.startswith("BOOTSTRAP "):
                return cls(line.split()[1], process, log)
        process.kill()
        raise RuntimeError(f"Kafka broker did not start (last line {line!r}); log {log}:\n"
                           + _tail(log))

    def create_topic(self, name: str, partitions: int = 1) -> str:
        if self._process is not None:
            with self._lock:
                self._process.stdin.write(f"topic {name} {partitions}\n")
                self._process.stdin.flush()
                answer = self._process.stdout.readline().strip()
            if answer != "OK":
                raise RuntimeError(f"cannot create topic {name}: {answer or 'launcher exited'}\n" + _tail(self._log))
        else:
            _create_topic_with_admin(self.bootstrap, name, partitions)
        return name

    def close(self) -> None:
        if self._process is None:
            return
        try:
            self._process.stdin.write("stop\n")
            self._process.stdin.close()
            self._process.wait(timeout=60)
        except Exception:  # noqa: BLE001 - a broker that does not stop is killed
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> "KafkaBroker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _create_topic_with_admin(bootstrap: str, name: str, partitions: int) -> None:
    from kafka import KafkaConsumer  # noqa: PLC0415
    from kafka.admin import KafkaAdminClient, NewTopic  # noqa: PLC0415

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="rtm-testkit-admin")
    try:
        admin.create_topics([NewTopic(name=name, num_partitions=partitions, replication_factor=1)])
    finally:
        admin.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = consumer.partitions_for_topic(name)
            if found and len(found) == partitions:
                return
            time.sleep(0.1)
            consumer.topics()  # refresh metadata
        raise RuntimeError(f"topic {name} has no leaders after 30 s")
    finally:
        consumer.close()


def _tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

