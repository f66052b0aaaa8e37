"""The seed fraud query from PySpark, real-time mode turned on by settings alone (spark.jars,
spark.plugins, spark.sql.extensions, the switch), against stock micro-batch on the same input."""
from __future__ import annotations

import time

import pytest
from pyspark.errors import PySparkException

from apps import fraud_alert_app as app
from rtm_testkit import events, kafka_io
from rtm_testkit.session import set_real_time

N_EVENTS = 2000


def start_fraud_query(spark, bootstrap, source, sink, checkpoint, **trigger):
    records = app.as_kafka_records(app.fraud_counts(app.read_events(spark, bootstrap, source)))
    return app.write_to_kafka(records, bootstrap, sink, checkpoint).trigger(**trigger).start()


def executed_plan(query) -> str:
    execution = query._jsq.streamingQuery().lastExecution()
    return execution.executedPlan().toString() if execution is not None else ""


def micro_batch_counts(spark, bootstrap, source, sink, checkpoint) -> dict[str, int]:
    set_real_time(spark, False)
    try:
        mb = start_fraud_query(spark, bootstrap, source, sink, checkpoint, availableNow=True)
        mb.awaitTermination(300)
        assert mb.exception() is None
    finally:
        set_real_time(spark, True)
    return kafka_io.counts_of(kafka_io.last_per_key(bootstrap, sink))


def test_seed_fraud_query_in_real_time_equals_micro_batch(spark, broker, topic, checkpoint):
    source, rt_out, mb_out = topic("in", 2), topic("rt-out"), topic("mb-out")
    kafka_io.produce_events(broker.bootstrap, source, range(N_EVENTS))
    expected = events.expected_counts(range(N_EVENTS))
    kept = sum(expected.values())

    with kafka_io.Collector(broker.bootstrap, rt_out) as collector:
        query = start_fraud_query(spark, broker.bootstrap, source, rt_out, checkpoint(),
                                  continuous="100 milliseconds")
        try:
            # Update mode in real time: one updated count per counted event, as it arrives.
            assert collector.wait_for(kept, timeout_s=180), (
                f"{collector.count()} of {kept} updates after 180 s; exception: {query.exception()}")
            assert query.exception() is None
            assert executed_plan(query).startswith("RealTimeWrite"), executed_plan(query)
        finally:
            query.stop()
        updates = collector.records()

    real_time = kafka_io.counts_of(kafka_io.last_per_key(broker.bootstrap, rt_out))
    assert real_time == expected
    # Each key's updates count up one by one: no event was lost or counted twice on the way.
    per_key: dict[str, list[int]] = {}
    for r in updates:
        per_key.setdefault(r.key, []).append(int(kafka_io.json.loads(r.value)["count"]))
    assert all(counts == list(range(1, len(counts) + 1)) for counts in per_key.values())

    assert micro_batch_counts(spark, broker.bootstrap, source, mb_out, checkpoint("cp-mb")) == real_time


def test_updates_keep_flowing_for_events_produced_while_the_query_runs(spark, broker, topic, checkpoint):
    source, rt_out, mb_out = topic("in", 2), topic("rt-out"), topic("mb-out")
    with kafka_io.Collector(broker.bootstrap, rt_out) as collector:
        query = start_fraud_query(spark, broker.bootstrap, source, rt_out, checkpoint(),
                                  continuous="100 milliseconds")
        try:
            first, second = range(0, 300), range(300, 600)
            kafka_io.produce_events(broker.bootstrap, source, first)
            kept_first = sum(events.expected_counts(first).values())
            assert collector.wait_for(kept_first, timeout_s=120), query.exception()
            sent = time.monotonic()
            kafka_io.produce_events(broker.bootstrap, source, second)
            kept_all = sum(events.expected_counts(range(600)).values())
            assert collector.wait_for(kept_all, timeout_s=60), query.exception()
            # The second burst is visible in well under a minute; the epoch (100 ms) is only the
            # checkpoint interval.
            assert time.monotonic() - sent < 60
            assert query.exception() is None
        finally:
            query.stop()
    real_time = kafka_io.counts_of(kafka_io.last_per_key(broker.bootstrap, rt_out))
    assert real_time == events.expected_counts(range(600))
    assert micro_batch_counts(spark, broker.bootstrap, source, mb_out, checkpoint("cp-mb")) == real_time


def test_with_the_switch_off_a_continuous_aggregation_is_stock_spark(spark, broker, topic, checkpoint):
    """Switch off: Spark's own continuous processing, which rejects aggregations at start."""
    source, out = topic("in", 1), topic("out")
    set_real_time(spark, False)
    try:
        with pytest.raises(PySparkException) as failure:
            query = start_fraud_query(spark, broker.bootstrap, source, out, checkpoint(),
                                      continuous="100 milliseconds")
            query.stop()
    finally:
        set_real_time(spark, True)
    assert "Continuous processing does not support" in str(failure.value)


def test_sparks_own_real_time_trigger_runs_the_fraud_query_on_the_plugin_engine(spark, broker, topic, checkpoint):
    """``trigger(realTime=...)``, written for Spark's built-in real-time mode, runs on the plugin's
    engine with the switch on: the batch duration becomes the epoch (checkpoint) interval."""
    source, out = topic("in", 2), topic("rt-out")
    kafka_io.produce_events(broker.bootstrap, source, range(800))
    expected = events.expected_counts(range(800))
    with kafka_io.Collector(broker.bootstrap, out) as collector:
        query = start_fraud_query(spark, broker.bootstrap, source, out, checkpoint(), realTime="2 seconds")
        try:
            assert collector.wait_for(sum(expected.values()), timeout_s=180), query.exception()
            assert query.exception() is None
            assert executed_plan(query).startswith("RealTimeWrite"), executed_plan(query)
            assert query._jsq.streamingQuery().getClass().getSimpleName() == "ContinuousExecution"
            # One progress report per committed epoch (stock continuous processing reports none):
            # the epochs' input rows add up to the input once it is all committed.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and sum(p["numInputRows"] for p in query.recentProgress) < 800:
                time.sleep(0.2)
            reports = query.recentProgress
            assert sum(p["numInputRows"] for p in reports) == 800, reports[-1:]
            assert [p["batchId"] for p in reports] == list(range(reports[0]["batchId"], reports[-1]["batchId"] + 1))
            assert query.lastProgress["sources"][0]["metrics"]["rtm.engine"] == "real-time"
            # Records out and latency measured inside the engine (names in docs/tuning.md): one
            # updated count per kept event, each with a latency from its Kafka timestamp.
            assert sum(max(0, p["sink"]["numOutputRows"]) for p in reports) == sum(expected.values()), reports[-1:]
            with_rows = [p for p in reports if int(p["sink"]["metrics"]["rtm.latency.samples"]) > 0]
            assert sum(int(p["sink"]["metrics"]["rtm.latency.samples"]) for p in with_rows) == sum(expected.values())
            for p in with_rows:
                latency = p["sink"]["metrics"]
                assert 0 < float(latency["rtm.latency.p50Ms"]) <= float(latency["rtm.latency.p99Ms"]) \
                    <= float(latency["rtm.latency.maxMs"]), p
                assert p["stateOperators"][0]["numRowsTotal"] > 0, p
        finally:
            query.stop()
    assert kafka_io.counts_of(kafka_io.last_per_key(broker.bootstrap, out)) == expected
