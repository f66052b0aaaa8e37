package io.rtm.bench.query;

import io.rtm.bench.spec.Mode;
import java.util.Map;
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
  /** The plugin's switch for its exactly-once Kafka sink (io.rtm.config.RtmOptions#KAFKA_EXACTLY_ONCE). */
  public static final String KAFKA_EXACTLY_ONCE = "spark.rtm.kafka.exactlyOnce";
  public static final String SHUFFLE_LOCAL_CHANNELS = "spark.rtm.shuffle.localChannels.enabled";

  private SparkSessions() {}

  /** The session for {@code mode}: {@link #modeConfs} on top of the settings every mode shares. */
  public static SparkSession create(String appName, Mode mode) {
    SparkSession.Builder builder = builder(appName, mode.engine() == Mode.Engine.PLUGIN);
    modeConfs(mode).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * What a mode sets beyond the shared settings: the exactly-once modes switch the plugin's
   * transactional Kafka sink on, and only they, so an exactly-once mode and its at-least-once twin
   * run the same query with the same settings but this one; likewise {@code plugin-tcp-100ms}
   * turns the shuffle's local channels off, so that its tasks, which share one JVM, exchange rows
   * over loopback TCP as tasks on different executors would.
   */
  public static Map<String, String> modeConfs(Mode mode) {
    if (mode == Mode.PLUGIN_TCP_100MS) {
      return Map.of(SHUFFLE_LOCAL_CHANNELS, "false");
    }
    return mode.exactlyOnce() ? Map.of(KAFKA_EXACTLY_ONCE, "true") : Map.of();
  }

  public static SparkSession create(String appName, boolean realTimeMode) {
    return builder(appName, realTimeMode).getOrCreate();
  }

  private static SparkSession.Builder builder(String appName, boolean realTimeMode) {
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
        .config("spark.sql.streaming.continuous.epochBacklogQueueSize", "100000");
  }
}
