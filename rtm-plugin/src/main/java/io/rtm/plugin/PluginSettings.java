package io.rtm.plugin;

import io.rtm.config.ConfigOption;
import io.rtm.config.RtmOptions;
import io.rtm.shuffle.ShuffleTransportConf;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads the plugin's options for a query. Precedence: the session conf (which holds
 * spark-defaults.conf and {@code --conf} values too, plus {@code spark.conf.set} made later), then
 * the option's default.
 */
final class PluginSettings {
  private PluginSettings() {}

  static boolean enabled(SparkSession session) {
    return get(session, RtmOptions.REAL_TIME_MODE_ENABLED);
  }

  static boolean fallbackToStock(SparkSession session) {
    return get(session, RtmOptions.FALLBACK_TO_STOCK_EXECUTION);
  }

  private static <T> T get(SparkSession session, ConfigOption<T> option) {
    scala.Option<String> value = session.conf().getOption(option.key());
    return value.isDefined() ? option.parse(value.get()) : option.defaultValue();
  }

  private static <T> T get(SQLConf conf, ConfigOption<T> option) {
    String value = conf.getConfString(option.key(), null);
    return value != null ? option.parse(value) : option.defaultValue();
  }

  /** Whether Kafka sinks of real-time queries write in exactly-once mode. */
  static boolean kafkaExactlyOnce(SQLConf conf) {
    return get(conf, RtmOptions.KAFKA_EXACTLY_ONCE);
  }

  /** The most keys one sink task of a Delta upsert sink may update in one epoch. */
  static int deltaUpsertMaxKeysPerTask(SparkSession session) {
    return get(session, RtmOptions.DELTA_UPSERT_MAX_KEYS_PER_TASK);
  }

  /** How often the driver asks the sources whether their partitions changed (0: every epoch). */
  static long reconfigurationCheckIntervalMs(SparkSession session) {
    return get(session, RtmOptions.SOURCE_RECONFIGURATION_CHECK_INTERVAL_MS);
  }

  /** Whether stages warm up the expensive classes their expressions load. */
  static boolean planWarmup(SQLConf conf) {
    return get(conf, RtmOptions.EXECUTOR_PLAN_WARMUP);
  }

  /** Whether real-time stages parse from_json records from strings ({@link JsonParsingRewrite}). */
  static boolean stringJsonParsing(SQLConf conf) {
    return get(conf, RtmOptions.EXECUTOR_STRING_JSON_PARSING);
  }

  /** How long a run may go without a new epoch before it counts as failed (0: never). */
  static long epochStallTimeoutMs(SQLConf conf) {
    return get(conf, RtmOptions.RECOVERY_EPOCH_STALL_TIMEOUT_MS);
  }

  /** The restart policy of a query, read when its first run starts. */
  static RecoveryPolicy recoveryPolicy(SQLConf conf) {
    return new RecoveryPolicy(get(conf, RtmOptions.RECOVERY_MAX_RETRIES),
        get(conf, RtmOptions.RECOVERY_INITIAL_BACKOFF_MS), get(conf, RtmOptions.RECOVERY_MAX_BACKOFF_MS));
  }

  /** What one run of a query needs, read once on the driver when the run starts. */
  record QuerySettings(
      int sourceQueueSize,
      long epochPollIntervalMs,
      boolean kafkaDirectPoll,
      long slotWaitMs,
      long producerWaitMs,
      long watermarkIdleTimeoutMs,
      ShuffleTransportConf transportConf) implements Serializable {}

  static QuerySettings forQuery(SparkContext sc, SQLConf conf) {
    Map<String, String> rtmKeys = new HashMap<>();
    for (Map.Entry<String, String> e : CollectionConverters.asJava(conf.getAllConfs()).entrySet()) {
      if (e.getKey().startsWith("spark.rtm.")) {
        rtmKeys.put(e.getKey(), e.getValue());
      }
    }
    return new QuerySettings(
        get(conf, RtmOptions.SOURCE_QUEUE_SIZE),
        get(conf, RtmOptions.EPOCH_POLL_INTERVAL_MS),
        get(conf, RtmOptions.SOURCE_KAFKA_DIRECT_POLL),
        get(conf, RtmOptions.SLOT_WAIT_MS),
        get(conf, RtmOptions.PRODUCER_WAIT_MS),
        get(conf, RtmOptions.WATERMARK_IDLE_TIMEOUT_MS),
        ShuffleTransportConf.fromMap(rtmKeys));
  }
}
