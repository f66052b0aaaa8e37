package io.rtm.compat;

import org.apache.spark.SparkContext$;
import org.apache.spark.sql.execution.streaming.continuous.ContinuousExecution$;
import org.apache.spark.sql.execution.streaming.runtime.StreamExecution$;

/** Local-property keys that {@code StreamExecution}/{@code ContinuousExecution} set before the plan executes (Spark 4.2.0). */
public final class ContinuousKeys {
  public static final String EPOCH_COORDINATOR_ID_KEY =
      ContinuousExecution$.MODULE$.EPOCH_COORDINATOR_ID_KEY();
  public static final String START_EPOCH_KEY = ContinuousExecution$.MODULE$.START_EPOCH_KEY();
  /** Set by {@code StreamExecution.runStream} on the query thread (Spark 4.2.0). */
  public static final String QUERY_ID_KEY = StreamExecution$.MODULE$.QUERY_ID_KEY();
  /** The query's job group is its run id ({@code StreamExecution.runStream}, Spark 4.2.0). */
  public static final String JOB_GROUP_ID_KEY = SparkContext$.MODULE$.SPARK_JOB_GROUP_ID();

  private ContinuousKeys() {}
}
