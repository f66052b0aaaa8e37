package io.rtm.plugin;

import java.util.Set;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.catalyst.plans.logical.Join;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/** Which stream-stream joins the real-time engine runs ({@link StreamJoinRewrite}). */
final class StreamJoins {
  static final String UNSUPPORTED = "of the joins between two streams, only inner, left outer and right outer"
      + " equi-joins run in real-time mode";

  /**
   * Stateful operators that may read an outer stream-stream join's output. The join stage forwards
   * the join's output watermark (the lower of its state watermarks, {@code JoinOutputWatermark}) and
   * only after the unmatched rows it evicted by it, so these operators drop none of them as late,
   * as Spark's micro-batch engine gives them the join's output watermark
   * ({@code RealTimeStreamJoinIT.aLeftOuterJoinIntoAWindowedAggregationEqualsMicroBatch}).
   */
  static final Set<String> AFTER_OUTER = Set.of("Aggregate", "Deduplicate", "DeduplicateWithinWatermark");

  /**
   * Why another stream-stream join may not read an outer join yet: the output watermark would carry
   * it, but no test compares such a chain with micro-batch.
   */
  static final String OUTER_THEN_STATEFUL = "a stream-stream join reading the output of an outer join of two"
      + " streams is not supported in real-time mode yet (an aggregation or deduplication after the outer join"
      + " is); run this query with a micro-batch trigger";

  private StreamJoins() {}

  static boolean outer(LogicalPlan plan) {
    return plan instanceof Join join && (join.joinType() == LeftOuter$.MODULE$ || join.joinType() == RightOuter$.MODULE$);
  }

  static boolean supported(LogicalPlan plan) {
    if (!(plan instanceof Join join)) {
      return false;
    }
    var type = join.joinType();
    return type == Inner$.MODULE$ || type == LeftOuter$.MODULE$ || type == RightOuter$.MODULE$;
  }
}
