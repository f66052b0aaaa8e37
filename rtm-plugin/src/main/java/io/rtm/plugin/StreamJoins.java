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

  private StreamJoins() {}

  static boolean supported(LogicalPlan plan) {
    if (!(plan instanceof Join join)) {
      return false;
    }
    var type = join.joinType();
    return type == Inner$.MODULE$ || type == LeftOuter$.MODULE$ || type == RightOuter$.MODULE$;
  }
}
