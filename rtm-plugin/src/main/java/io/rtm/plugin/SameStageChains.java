package io.rtm.plugin;

import io.rtm.operators.eventtime.EventTimeOperator;
import io.rtm.operators.join.RealTimeStreamJoinExec;
import io.rtm.plugin.errors.RtmErrors;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Refuses two chained event-time operators in one stage when the lower one emits rows because the
 * watermark passed them (closed windows, sessions). Between stages the forwarded watermark waits
 * for those rows ({@code TaskEventTime.holdForwarding}); inside one task both operators read the
 * same watermark, so the upper one would drop the lower one's output as late. Spark 4.2.0 plans no
 * shuffle between two stateful operators only when the upper one is keyed exactly like the lower
 * one (its {@code StatefulOpClusteredDistribution} is already met), for example a deduplication by
 * an aggregation's window and key; chains with other keys get a shuffle and run.
 *
 * <p>The same holds above a stream-stream join: the stage after it reads the join's output watermark
 * (its state watermarks, below the task's watermark by the condition's slack), while an operator in
 * the join's own task would judge the join's rows, unmatched outer rows and matches of stored rows
 * alike, against the task's watermark. Spark plans no shuffle after the join only for an operator
 * keyed exactly by the join keys.
 */
final class SameStageChains {
  private SameStageChains() {}

  static void check(SparkPlan node) {
    if (node instanceof EventTimeOperator upper) {
      for (SparkPlan child : CollectionConverters.asJava(node.children())) {
        SparkPlan emitting = emittingInStage(child, upper.dropsLateRows());
        if (emitting != null) {
          throw RtmErrors.unsupportedOperator(node.nodeName() + " over " + emitting.nodeName() + " in one stage",
              "the rows the first operator emits once the watermark passed them (closed windows and sessions, a"
                  + " stream-stream join's rows down to its state watermark) would be late for the second one in"
                  + " the same task, which reads the same watermark (Spark plans no shuffle between two stateful"
                  + " operators with the same keys); key the second operator differently or drop it");
        }
      }
    }
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      check(child);
    }
  }

  /**
   * The first operator below, within the same stage, that emits rows on the watermark, or null.
   *
   * @param joinsToo whether a stream-stream join counts (the operator above drops late rows)
   */
  private static SparkPlan emittingInStage(SparkPlan node, boolean joinsToo) {
    if (node instanceof ShuffleExchangeExec) {
      return null; // a stage boundary (the static side's batch shuffle holds no event-time operator)
    }
    if (node instanceof EventTimeOperator op && op.emitsOnWatermark()) {
      return node;
    }
    if (joinsToo && node instanceof RealTimeStreamJoinExec) {
      return node; // its rows can be older than the task's watermark (its output watermark is lower)
    }
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      SparkPlan found = emittingInStage(child, joinsToo);
      if (found != null) {
        return found;
      }
    }
    return null;
  }
}
