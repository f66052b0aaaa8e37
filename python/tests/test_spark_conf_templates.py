"""spark-conf/*.conf: complete properties files that turn real-time mode on and size task slots."""
from __future__ import annotations

import re

import pytest

from rtm_testkit.paths import SPARK_CONF_DIR

REAL_TIME = {
    "spark.plugins": "io.rtm.plugin.RealTimeModePlugin",
    "spark.sql.extensions": "io.rtm.plugin.RealTimeModeExtensions",
    "spark.sql.streaming.realTimeMode.enabled": "true",
}


def properties(name: str) -> dict[str, str]:
    """Spark's properties-file format as spark-submit reads it: key, whitespace, value; # comments."""
    props = {}
    for line in (SPARK_CONF_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        m = re.fullmatch(r"([^\s=:]+)(?:\s*[=:]\s*|\s+)(.*)", line)
        assert m, f"{name}: cannot parse {line!r}"
        key, value = m.groups()
        assert key.startswith("spark."), f"{name}: {line!r}"
        assert key not in props, f"{name}: {key} set twice"
        props[key] = value.strip()
    return props


def slots(props: dict[str, str]) -> int:
    master = props["spark.master"]
    local = re.fullmatch(r"local\[(\d+)\]", master)
    if local:
        return int(local.group(1))
    cores = int(props["spark.executor.cores"])
    task_cpus = int(props.get("spark.task.cpus", "1"))
    if "spark.executor.instances" in props:
        return int(props["spark.executor.instances"]) * cores // task_cpus
    return int(props["spark.cores.max"]) // task_cpus


def test_spark_defaults_turns_real_time_mode_on():
    props = properties("spark-defaults.conf")
    assert props == REAL_TIME


@pytest.mark.parametrize("name,master", [
    ("local.conf", "local["),
    ("standalone.conf", "spark://"),
    ("kubernetes.conf", "k8s://"),
])
def test_template_is_complete(name, master):
    props = properties(name)
    for key, value in REAL_TIME.items():
        assert props[key] == value
    assert props["spark.master"].startswith(master)
    text = (SPARK_CONF_DIR / name).read_text(encoding="utf-8")
    assert "holds a slot" in text and "for the life of the" in text
    # The fraud query on a two-partition topic: 2 source tasks + the shuffle partitions, at once.
    needed = 2 + int(props["spark.sql.shuffle.partitions"])
    assert slots(props) >= needed
    assert props.get("spark.dynamicAllocation.enabled", "false") == "false"
