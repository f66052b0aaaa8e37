package io.rtm.plugin;

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
   * Why no stateful operator may follow an outer stream-stream join yet. Unmatched rows leave the
   * join once its state watermark passed them, and the watermark the join's stage forwarded before
   * may already be past their window, so the operator after it would drop them as late; Spark's
   * micro-batch engine gives the next operator the join's output
   * watermark (the minimum of the join's state watermarks) and judges late rows by the previous
   * batch's watermark.
   */
  static final String OUTER_THEN_STATEFUL = "a stateful operator after an outer join of two streams would drop the"
      + " join's unmatched rows as late in real-time mode (they leave the join once the watermark passed them);"
      + " use an inner join before the aggregation";

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
