package io.rtm.plugin;

import io.rtm.plugin.errors.RealTimeModeException;
import io.rtm.plugin.errors.RtmErrors;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.streaming.OutputMode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides, on the analyzed logical plan, whether the real-time engine can run a query, so that an
 * unsupported query fails inside {@code start()} with an error class instead of later at run time.
 */
final class QuerySupport {
  /** Streaming operators the engine does not run yet, with the reason users see. */
  private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
      Map.entry("Distinct", "streaming distinct needs the non-blocking stateful operators"),
      Map.entry("FlatMapGroupsWithState", "arbitrary stateful processing is not supported in real-time mode"),
      Map.entry("FlatMapGroupsInPandasWithState", "arbitrary stateful processing is not supported in real-time mode"),
      Map.entry("TransformWithState", "arbitrary stateful processing is not supported in real-time mode"),
      Map.entry("TransformWithStateInPySpark", "arbitrary stateful processing is not supported in real-time mode"),
      Map.entry("Sort", "sorting a stream blocks until the input ends"),
      Map.entry("GlobalLimit", "a limit on a stream is stateful"),
      Map.entry("LocalLimit", "a limit on a stream is stateful"),
      Map.entry("Window", "window functions over a stream are not supported"));

  private QuerySupport() {}

  /** The first reason the query cannot run in the given output mode, or null when it can. */
  static RealTimeModeException check(LogicalPlan plan, OutputMode outputMode) {
    if (plan.isStreaming()) {
      String name = plan.nodeName();
      if (name.equals("Aggregate")) {
        if (outputMode.equals(OutputMode.Complete())) {
          return RtmErrors.unsupportedOutputMode(outputMode.toString(), name,
              "complete mode would re-emit the whole result table continuously; use update mode (every change"
                  + " as it happens) or append mode with a watermark (each window once, when it closes)");
        }
        if (plan.expressions().exists(e -> e.exists(x -> x instanceof AggregateExpression ae && ae.isDistinct()))) {
          return RtmErrors.unsupportedOperator(name, "distinct aggregates (count(DISTINCT ...)) are not supported yet");
        }
      }
      String reason = UNSUPPORTED.get(name);
      if (reason != null) {
        return RtmErrors.unsupportedOperator(name, reason);
      }
      long streamingChildren = CollectionConverters.asJava(plan.children()).stream()
          .filter(LogicalPlan::isStreaming).count();
      if (streamingChildren > 1 && !name.equals("Union") && !StreamJoins.supported(plan)) {
        return RtmErrors.unsupportedOperator(name, StreamJoins.UNSUPPORTED);
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      RealTimeModeException e = check(child, outputMode);
      if (e != null) {
        return e;
      }
    }
    return null;
  }
}
