package io.rtm.plugin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For the configuration reference: when each error condition is raised and what a user does about
 * it. The messages (error-conditions.json) say what to do where the engine knows it at the throw
 * site; this adds the cases where the fix depends on the cause (a failed stage, exhausted retries)
 * and the documentation a user needs. ConfigurationDocsTest fails when a condition has no entry.
 */
final class ErrorConditionGuide {
  record Entry(String raisedWhen, String whatToDo) {}

  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    put("RTM_EPOCHS_STALLED",
        "a running query started no new epoch for spark.rtm.recovery.epochStallTimeoutMs (60 s); usually the "
            + "source could not list its partitions, e.g. the Kafka topic was deleted",
        "check the source (the driver log has the 'epoch update thread' exception); the run restarts like any "
            + "failed run, and the restart reports the source's own error. With trigger intervals near the "
            + "timeout, raise the timeout");
    put("RTM_INSUFFICIENT_TASK_SLOTS",
        "at start (and at every automatic restart): the query's tasks (source partitions + the partitions of "
            + "every shuffle) do not fit in the free task slots within spark.rtm.scheduling.slotWaitMs",
        "more slots (local[N], spark.executor.cores, spark.cores.max, more executors) or fewer partitions "
            + "(spark.sql.shuffle.partitions, repartition(n)); see tuning.md, task slots");
    put("RTM_MULTIPLE_INPUTS_IN_STAGE",
        "at start: a stage of the planned query would read more than one input other than through a union "
            + "(a query shape the engine does not cut into stages)",
        "let each input reach the operator that combines them through a shuffle (a join or aggregation on "
            + "a key, repartition(n, key)) or a union, or switch off for this query");
    put("RTM_PLUGIN_NOT_LOADED",
        "at start: the switch is on but spark.plugins lacks io.rtm.plugin.RealTimeModePlugin",
        "use spark-conf/spark-defaults.conf (or set spark.plugins) and pass the plugin jar with --jars or "
            + "spark.jars");
    put("RTM_RECOVERY_EXHAUSTED",
        "while running: spark.rtm.recovery.maxRetries automatic restarts in a row committed no new input",
        "read the cause (the last RTM_STAGE_FAILED and its root cause): a poison record, a broken sink or a "
            + "lost broker; fix it and start the query again from its checkpoint. Raise maxRetries or the "
            + "backoff only for failures that heal by themselves");
    put("RTM_SINK_SCHEMA_MISMATCH",
        "at start: the query writes a column the sink table lacks",
        "select only the table's columns, or ALTER TABLE ... ADD COLUMNS first");
    put("RTM_SINK_COLUMN_NOT_WRITTEN",
        "at start: the sink Delta table has a column the query does not write (Delta's V2 write needs "
            + "every table column)",
        "write the column, e.g. withColumn(name, lit(null).cast(type)), or drop it from the table");
    put("RTM_SINK_SCHEMA_CHANGED",
        "while running: another writer changed the sink Delta table's schema (a column added, dropped or "
            + "retyped); Delta refuses the epoch's commit and nothing of that epoch is written",
        "not retried (the query's write cannot change schema); adapt the query to the new schema (the message "
            + "names each changed column) and start it again on its checkpoint");
    put("RTM_DELTA_UPSERT_NEEDS_AGGREGATION",
        "at start: an update-mode query without an aggregation writes to a Delta table (real-time mode upserts "
            + "update-mode output into Delta by the aggregation's group keys)",
        "write it in append mode, or aggregate it");
    put("RTM_DELTA_UPSERT_KEYS_UNKNOWN",
        "at start: the group keys of an update-mode aggregation writing to a Delta table cannot be found in "
            + "the sink's columns (a key dropped or computed in a projection after the aggregation), or "
            + "rtm.upsertKeys names a column the query does not write",
        "write the grouping columns as they are (renaming is fine), or name the key columns with "
            + ".option(\"rtm.upsertKeys\", \"a,b\")");
    put("RTM_DELTA_UPSERT_TOO_MANY_KEYS",
        "while running: a sink task of a Delta upsert sink updated more than spark.rtm.delta.upsertMaxKeysPerTask "
            + "keys in one epoch; the run fails and restarts from the last committed epoch",
        "raise spark.rtm.delta.upsertMaxKeysPerTask (the rows travel to the driver in the epoch's commit "
            + "message), shorten the trigger interval, or add aggregation partitions");
    put("RTM_SINK_COMMIT_FAILED",
        "while running: a sink refused or failed an epoch's commit for another reason (the epoch is not "
            + "committed)",
        "read the cause in the message; the run restarts from the last committed epoch like any failed run "
            + "(spark.rtm.recovery.*)");
    put("RTM_STAGE_FAILED",
        "while running: a task of a stage failed (exception in the query, lost executor or shuffle peer); "
            + "raised to the query only with spark.rtm.recovery.maxRetries=0, else the query restarts from "
            + "the last committed epoch",
        "read the root cause in the message; a lost executor or worker needs nothing (recovery); an exception "
            + "from the query's own code needs a fix in the query");
    put("RTM_UNSUPPORTED_OPERATOR",
        "at start: the query uses an operator the engine cannot run (supported-queries.md)",
        "change the query, switch off for this query, or set spark.rtm.fallbackToStockExecution=true");
    put("RTM_UNSUPPORTED_OUTPUT_MODE",
        "at start: a stateful operator in an output mode the engine does not run (complete mode)",
        "use update mode (or append with a watermark for windows), or switch off");
    put("RTM_UNSUPPORTED_PARTITIONING",
        "at start: an operator requires a shuffle partitioning other than hash, round robin or single "
            + "partition (for example a range partitioning)",
        "use repartition(n, columns...) or repartition(n), or switch off");
    put("RTM_UNSUPPORTED_SINK",
        "at start: the sink has no DataSource V2 streaming write (a V1-only sink such as a file sink); "
            + "Delta paths are swapped for Delta's V2 table automatically",
        "write to Kafka, foreach, a Delta table (toTable) or another V2 sink, or run the query in micro-batch");
  }

  private ErrorConditionGuide() {}

  private static void put(String condition, String raisedWhen, String whatToDo) {
    ENTRIES.put(condition, new Entry(raisedWhen, whatToDo));
  }

  /** The entry for {@code condition}, or null when the guide lacks it. */
  static Entry of(String condition) {
    return ENTRIES.get(condition);
  }

  static java.util.Set<String> conditions() {
    return ENTRIES.keySet();
  }
}
