package io.rtm.plugin;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Entry point named by {@code spark.sql.extensions}. Every rule it injects is inert unless
 * {@code spark.sql.streaming.realTimeMode.enabled} is true, so the switch off means stock Spark.
 */
public final class RealTimeModeExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    // Analysis: choose the micro-batch checks for continuous-trigger queries, fail fast on the rest.
    extensions.injectHintResolutionRule(RealTimeTriggerRule::new);
    // Planning: take over the root of continuous queries.
    extensions.injectPlannerStrategy(RealTimeModeStrategy::new);
    return BoxedUnit.UNIT;
  }
}
