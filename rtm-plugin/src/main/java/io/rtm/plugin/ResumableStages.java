package io.rtm.plugin;

import java.util.Set;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeLike;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides whether a stage's operator chain can be built once and pulled across epochs
 * ({@code EpochRowsCursor}) instead of being rebuilt for every epoch.
 *
 * <p>An operator qualifies when it only pulls rows from its input and keeps no "input finished"
 * state: after its input returned false it asks the input again on the next call. Checked against
 * Spark 4.2.0 for each name below: generated code loops on {@code input.hasNext()} in every
 * {@code processNext}; the interpreted project, filter, expand, typed map and broadcast hash join
 * are {@code map}/{@code filter}/{@code flatMap} over the input; a shuffled hash join builds from its
 * static side once and probes with each streamed row. Excluded on purpose: operators that
 * act when their input ends (Python UDF runners end the worker stream, generators call
 * {@code terminate}, outer nested-loop joins emit unmatched rows), user {@code mapPartitions}
 * functions (the user sees the end of a partition), and stateful operators, which commit state when
 * an epoch's input ends and so run one chain per epoch.
 */
final class ResumableStages {
  private static final Set<String> RESUMABLE = Set.of(
      "WholeStageCodegenExec", "InputAdapter", "ProjectExec", "FilterExec", "ExpandExec",
      "SerializeFromObjectExec", "DeserializeToObjectExec", "MapElementsExec",
      "BroadcastHashJoinExec", "EpochInputExec", "RealTimeWatermarkExec");

  private ResumableStages() {}

  static boolean isResumable(SparkPlan plan) {
    if (plan instanceof BroadcastExchangeLike) {
      return true; // the static side runs once on the driver, not per epoch
    }
    if (plan instanceof org.apache.spark.sql.execution.exchange.ShuffleExchangeExec
        && !StreamStaticJoinRewrite.readsStream(plan)) {
      return true; // the static side of a shuffled stream-static join, read once per chain
    }
    if (plan instanceof org.apache.spark.sql.execution.joins.ShuffledHashJoinExec join) {
      // Its probe loop asks the streamed input again after an end; only a full outer join acts at
      // the end (unmatched build rows), and stream-static joins are never full outer.
      if (join.joinType() == org.apache.spark.sql.catalyst.plans.FullOuter$.MODULE$) {
        return false;
      }
    } else if (!RESUMABLE.contains(plan.getClass().getSimpleName())) {
      return false;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (!isResumable(child)) {
        return false;
      }
    }
    return true;
  }
}
