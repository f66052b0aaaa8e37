"""SparkSessions configured by settings alone, the way a user turns on real-time mode."""
from __future__ import annotations

import os
from pathlib import Path

from pyspark.sql import SparkSession

from . import paths

REAL_TIME_CONF = {
    "spark.plugins": "io.rtm.plugin.RealTimeModePlugin",
    "spark.sql.extensions": "io.rtm.plugin.RealTimeModeExtensions",
    "spark.sql.streaming.realTimeMode.enabled": "true",
}

QUIET_LOG4J2 = Path(__file__).resolve().parent / "log4j2-quiet.properties"

LOOPBACK_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def builder(master: str = "local[8]", app_name: str = "rtm-python", conf: dict | None = None) -> SparkSession.Builder:
    """A builder with the plugin jar and the Kafka connector in ``spark.jars`` and real-time mode on;
    ``conf`` adds or overrides settings."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    settings = {
        "spark.jars": paths.spark_jars_csv(),
        **REAL_TIME_CONF,
        **LOOPBACK_CONF,
        "spark.ui.enabled": "false",
        # Every task of every stage holds a slot for the life of the query: keep stages narrow.
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.memory": "1g",
        # Quiet: the driver's console is a test's or a notebook's output.
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={QUIET_LOG4J2.as_uri()}",
        "spark.ui.showConsoleProgress": "false",
    }
    settings.update(conf or {})
    b = SparkSession.builder.master(master).appName(app_name)
    for k, v in settings.items():
        b = b.config(k, v)
    return b


def real_time_session(master: str = "local[8]", app_name: str = "rtm-python", conf: dict | None = None) -> SparkSession:
    spark = builder(master, app_name, conf=conf or {}).getOrCreate()
    return spark


def set_real_time(spark: SparkSession, enabled: bool) -> None:
    """The one switch; false = stock Spark (checked when a query starts)."""
    spark.conf.set("spark.sql.streaming.realTimeMode.enabled", "true" if enabled else "false")
