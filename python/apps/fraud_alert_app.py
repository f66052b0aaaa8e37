"""Fraud alerts in real-time mode: a PySpark application to run with spark-submit.

Counts each account's transactions above 10.0 per one-second event-time window and writes every
updated count to Kafka as it changes (output mode "update"), keyed ``account|window start``; a
downstream consumer alerts on counts above its threshold. The query code is plain Structured
Streaming; real-time mode comes from configuration alone::

    spark-submit --jars rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar,<Kafka connector jars> \\
      --properties-file spark-conf/local.conf \\
      python/apps/fraud_alert_app.py --bootstrap 127.0.0.1:9092 --input payments --output alerts \\
      --checkpoint /tmp/fraud-cp

With ``--until-caught-up`` (used by the tests) the application stops by itself once every input
record that existed when it started has been processed and committed, or after ``--max-duration-s``.
Exit code 0 means the query ran without error (and, with ``--until-caught-up``, caught up).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType, TimestampType

EVENT_SCHEMA = StructType([
    StructField("event_id", LongType()),
    StructField("account_id", StringType()),
    StructField("amount", DoubleType()),
    StructField("merchant", StringType()),
    StructField("ts", TimestampType()),
])


def read_events(spark: SparkSession, bootstrap: str, topic: str) -> DataFrame:
    return (spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .load()
            .select(F.from_json(F.col("value").cast("string"), EVENT_SCHEMA).alias("e"))
            .select("e.*"))


def fraud_counts(events: DataFrame) -> DataFrame:
    """The seed fraud query: transactions above 10.0 per account per one-second window."""
    return (events.filter(F.col("amount") > 10.0)
            .groupBy(F.window(F.col("ts"), "1 second"), F.col("account_id"))
            .count())


def as_kafka_records(counts: DataFrame) -> DataFrame:
    return counts.select(
        F.concat_ws("|", F.col("account_id"), F.col("window.start").cast("string")).alias("key"),
        F.to_json(F.struct(F.col("account_id"), F.col("window.start").alias("window_start"),
                           F.col("count"))).alias("value"))


def write_to_kafka(records: DataFrame, bootstrap: str, topic: str, checkpoint: str):
    return (records.writeStream.format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("kafka.linger.ms", "0")
            .option("topic", topic)
            .option("checkpointLocation", checkpoint)
            # Real-time mode supports update mode for aggregations: every change leaves at once.
            .outputMode("update"))


def end_offsets(spark: SparkSession, bootstrap: str, topic: str) -> dict[str, int]:
    """The next offset per partition of ``topic`` right now (a small batch read)."""
    rows = (spark.read.format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", topic)
            .load()
            .groupBy("partition").agg(F.max("offset").alias("last"))
            .collect())
    return {str(r["partition"]): int(r["last"]) + 1 for r in rows}


def committed_offsets(checkpoint: str, topic: str) -> dict[str, int]:
    """The source offsets of the query's last committed epoch, read from its checkpoint (local paths
    only): the offset log entry of the newest epoch in the commit log."""
    root = Path(checkpoint[len("file:"):] if checkpoint.startswith("file:") else checkpoint)
    try:
        epochs = [int(p.name) for p in (root / "commits").iterdir() if p.name.isdigit()]
        if not epochs:
            return {}
        lines = (root / "offsets" / str(max(epochs))).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    for line in lines[1:]:
        line = line.strip()
        if line.startswith("{") and f'"{topic}"' in line:
            offsets = json.loads(line)
            if topic in offsets:
                return {str(p): int(o) for p, o in offsets[topic].items()}
    return {}


def caught_up(committed: dict[str, int], target: dict[str, int]) -> bool:
    return all(committed.get(p, -1) >= o for p, o in target.items())


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--trigger", default="100 milliseconds",
                   help="continuous trigger interval: the epoch (checkpoint) interval")
    p.add_argument("--max-duration-s", type=float, default=60.0)
    p.add_argument("--until-caught-up", action="store_true",
                   help="stop once every input record present at start is committed (local checkpoint only)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("fraud-alert-app (python)").getOrCreate()
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    target = end_offsets(spark, args.bootstrap, args.input) if args.until_caught_up else None
    query = (write_to_kafka(as_kafka_records(fraud_counts(read_events(spark, args.bootstrap, args.input))),
                            args.bootstrap, args.output, args.checkpoint)
             .trigger(continuous=args.trigger)
             .start())
    started = time.monotonic()
    done = False
    try:
        while time.monotonic() - started < args.max_duration_s and query.isActive:
            if target is not None and caught_up(committed_offsets(args.checkpoint, args.input), target):
                done = True
                break
            time.sleep(0.2)
    finally:
        error = query.exception()
        query.stop()
        spark.stop()
    if error is not None:
        print(f"fraud-alert-app: query failed: {error}", file=sys.stderr)
        return 1
    if target is not None and not done:
        print(f"fraud-alert-app: not caught up with {target} after {args.max_duration_s} s", file=sys.stderr)
        return 3
    print(f"fraud-alert-app: done in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
