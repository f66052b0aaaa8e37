package io.rtm.compat;

import org.apache.spark.sql.execution.streaming.continuous.ContinuousExecution$;

/** Local-property keys that {@code ContinuousExecution} sets before it executes the plan (Spark 4.2.0). */
public final class ContinuousKeys {
  public static final String EPOCH_COORDINATOR_ID_KEY =
      ContinuousExecution$.MODULE$.EPOCH_COORDINATOR_ID_KEY();
  public static final String START_EPOCH_KEY = ContinuousExecution$.MODULE$.START_EPOCH_KEY();

  private ContinuousKeys() {}
}
