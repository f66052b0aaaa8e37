package io.rtm.bench.query;

import org.apache.spark.sql.SparkSession;

/**
 * Sessions configured as spark-conf/spark-defaults.conf configures a user's application: the
 * plugin is loaded for every Spark mode and only the switch differs, so "stock" means exactly what
 * users get with the switch off.
 */
public final class SparkSessions {
  public static final String SWITCH = "spark.sql.streaming.realTimeMode.enabled";
  /** Every task of every real-time stage holds a slot; 8 leaves room for sources, reducers and more. */
  public static final String MASTER = "local[8]";

  private SparkSessions() {}

  public static SparkSession create(String appName, boolean realTimeMode) {
    return SparkSession.builder()
        .master(MASTER)
        .appName(appName)
        .config("spark.plugins", "io.rtm.plugin.RealTimeModePlugin")
        .config("spark.sql.extensions", "io.rtm.plugin.RealTimeModeExtensions")
        .config(SWITCH, Boolean.toString(realTimeMode))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        // Two input partitions, two reducers: the same parallelism in every mode.
        .config("spark.sql.shuffle.partitions", "2")
        // 100 ms epochs on a loaded 2-core machine can fall behind for a while before committing.
        .config("spark.sql.streaming.continuous.epochBacklogQueueSize", "100000")
        .getOrCreate();
  }
}
