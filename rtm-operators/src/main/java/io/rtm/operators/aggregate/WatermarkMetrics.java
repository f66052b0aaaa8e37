package io.rtm.operators.aggregate;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.metric.SQLMetrics;

/**
 * The late-row counter of a real-time stateful operator, under the metric name Spark's stateful
 * operators use ({@code numRowsDroppedByWatermark}), so progress reporting can read it the same way.
 */
public final class WatermarkMetrics {
  public static final String DROPPED_BY_WATERMARK = "numRowsDroppedByWatermark";

  private WatermarkMetrics() {}

  /** Created on the driver, where the plan is rewritten; tasks add to their deserialized copy. */
  public static SQLMetric droppedByWatermark(SparkContext sc) {
    return SQLMetrics.createMetric(sc, "number of rows which are dropped by watermark");
  }

  static scala.collection.immutable.Map<String, SQLMetric> asMap(SQLMetric droppedByWatermark) {
    return scala.collection.immutable.Map$.MODULE$.<String, SQLMetric>empty()
        .updated(DROPPED_BY_WATERMARK, droppedByWatermark);
  }
}
