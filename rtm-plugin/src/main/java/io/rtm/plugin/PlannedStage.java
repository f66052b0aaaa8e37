package io.rtm.plugin;

import io.rtm.operators.StageInputSpec;
import io.rtm.operators.StageOutputSpec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * One pipeline stage of a real-time query: Spark's operators between two exchanges, over a
 * {@code EpochInputExec} leaf, with the input it reads and the output it feeds.
 */
record PlannedStage(int id, SparkPlan operators, int numPartitions, StageInputSpec input, StageOutputSpec output) {
  String describe() {
    String in = input instanceof StageInputSpec.Shuffle s ? "shuffle from stage " + s.upstreamStageId()
        : input instanceof StageInputSpec.Union u ? "union of " + u.branches().length + " inputs" : "source";
    String out = output instanceof StageOutputSpec.Shuffle ? "shuffle" : "sink";
    return "stage " + id + ": " + numPartitions + " tasks, " + in + " -> " + out;
  }
}
