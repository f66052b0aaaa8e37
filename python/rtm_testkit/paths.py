"""Where the project's built artifacts are: the shaded plugin jar, the Kafka connector jars, the
bench harness (for the Kafka broker) and PySpark's own Spark distribution.

Everything is found from the repository's build output (``mvn install``/``mvn verify`` must have
run); no Maven call is made from Python.
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIR = REPO / "python"
SPARK_CONF_DIR = REPO / "spark-conf"

# Artifacts that make up the Kafka connector on top of a Spark distribution: what
# --packages org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0 would add.
KAFKA_CONNECTOR_ARTIFACTS = (
    "spark-sql-kafka-0-10_",
    "spark-token-provider-kafka-0-10_",
    "kafka-clients-",
    "commons-pool2-",
)

_HARNESS_RESOURCE_DIR = "io/rtm/bench/harness"


def plugin_jar() -> Path:
    """The shaded plugin jar (env RTM_PLUGIN_JAR overrides)."""
    override = os.environ.get("RTM_PLUGIN_JAR")
    if override:
        jar = Path(override).resolve()
    else:
        candidates = sorted(
            p for p in (REPO / "rtm-plugin" / "target").glob("rtm-plugin-*.jar")
            if not p.name.startswith("original-")
            and not p.name.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar"))
        )
        if not candidates:
            raise FileNotFoundError(
                "the shaded plugin jar rtm-plugin/target/rtm-plugin-<version>.jar is missing: build it with "
                "`mvn -q install -DskipTests -pl rtm-shuffle,rtm-operators,rtm-plugin` (or mvn verify)")
        jar = candidates[-1]
    if not jar.is_file():
        raise FileNotFoundError(f"plugin jar {jar} does not exist")
    return jar


def bench_location() -> Path:
    """The bench harness classes: its jar if packaged, else its classes directory."""
    target = REPO / "bench" / "target"
    jars = sorted(p for p in target.glob("bench-*.jar")
                  if not p.name.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar")))
    if jars:
        return jars[-1]
    classes = target / "classes"
    if (classes / _HARNESS_RESOURCE_DIR / "KafkaBroker.class").is_file():
        return classes
    raise FileNotFoundError(
        "the bench harness is not built (bench/target has neither a jar nor classes): run "
        "`mvn -q install -DskipTests -pl bench -am` (or mvn verify) first")


def _harness_resource(name: str) -> str:
    loc = bench_location()
    if loc.is_dir():
        return (loc / _HARNESS_RESOURCE_DIR / name).read_text(encoding="utf-8")
    with zipfile.ZipFile(loc) as z:
        return z.read(f"{_HARNESS_RESOURCE_DIR}/{name}").decode("utf-8")


def _classpath(name: str) -> list[Path]:
    entries = [Path(e.strip()) for e in _harness_resource(name).strip().split(os.pathsep) if e.strip()]
    missing = [str(e) for e in entries if not e.exists()]
    if missing:
        raise FileNotFoundError(
            f"{len(missing)} entries of {name} are missing (first: {missing[0]}): the local Maven "
            "repository changed since bench was built; rebuild bench")
    return entries


def spark_runtime_classpath() -> list[Path]:
    """Spark's runtime jars plus the Kafka connector, as resolved by the bench build."""
    return _classpath("spark-runtime.classpath")


def harness_classpath() -> list[Path]:
    """What the bench harness needs in a JVM of its own (see io.rtm.bench.harness.Classpaths)."""
    return [bench_location()] + spark_runtime_classpath()


def kafka_connector_jars() -> list[Path]:
    """spark-sql-kafka-0-10, spark-token-provider-kafka-0-10, kafka-clients and commons-pool2."""
    found = [p for p in spark_runtime_classpath()
             if p.suffix == ".jar" and p.name.startswith(KAFKA_CONNECTOR_ARTIFACTS)]
    names = {prefix: [p for p in found if p.name.startswith(prefix)] for prefix in KAFKA_CONNECTOR_ARTIFACTS}
    lacking = [prefix for prefix, jars in names.items() if not jars]
    if lacking:
        raise FileNotFoundError(f"Kafka connector jars {lacking} not on bench's spark-runtime.classpath")
    return found


def spark_jars() -> list[Path]:
    """Everything an application passes with --jars / spark.jars: the plugin plus the Kafka connector."""
    return [plugin_jar()] + kafka_connector_jars()


def spark_jars_csv() -> str:
    return ",".join(str(p) for p in spark_jars())


def spark_home() -> Path:
    """PySpark's bundled Spark distribution (it has bin/spark-submit)."""
    import pyspark  # noqa: PLC0415 - only when asked

    return Path(pyspark.__file__).resolve().parent


def spark_submit() -> Path:
    return spark_home() / "bin" / "spark-submit"


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and Path(java_home, "bin", "java").is_file():
        return str(Path(java_home, "bin", "java"))
    return "java"


def work_dir(name: str) -> Path:
    """A fresh scratch directory under python/work (env RTM_WORK_DIR overrides the root)."""
    import tempfile  # noqa: PLC0415

    root = Path(os.environ.get("RTM_WORK_DIR", PYTHON_DIR / "work"))
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=name + "-", dir=root))

