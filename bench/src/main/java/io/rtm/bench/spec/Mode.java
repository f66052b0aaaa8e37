package io.rtm.bench.spec;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a workload is executed: the plugin's real-time mode, stock Spark's engines, Apache Flink, or
 * no streaming engine at all. Triggers are built from these in {@code io.rtm.bench.query.Triggers}.
 */
public enum Mode {
  PLUGIN_100MS("plugin-100ms", "plugin real-time, Continuous(100 ms)", Engine.PLUGIN, 100),
  PLUGIN_1S("plugin-1s", "plugin real-time, Continuous(1 s)", Engine.PLUGIN, 1_000),
  PLUGIN_10S("plugin-10s", "plugin real-time, Continuous(10 s)", Engine.PLUGIN, 10_000),
  MICROBATCH("microbatch", "stock micro-batch, default trigger", Engine.MICRO_BATCH, 0),
  MICROBATCH_0S("microbatch-0s", "stock micro-batch, ProcessingTime(0 s)", Engine.MICRO_BATCH, 0),
  CONTINUOUS("continuous", "stock continuous, Continuous(100 ms)", Engine.STOCK_CONTINUOUS, 100),
  REALTIME("realtime", "built-in RealTime() (5 min batches)", Engine.BUILT_IN_REAL_TIME, 300_000),
  REALTIME_5S("realtime-5s", "built-in RealTime(5 s)", Engine.BUILT_IN_REAL_TIME, 5_000),
  RELAY("relay", "plain Kafka relay, no Spark (floor)", Engine.NONE, 0),
  FLINK_100MS("flink-100ms", "Apache Flink 2.0, checkpoints every 100 ms", Engine.FLINK, 100),
  FLINK_1S("flink-1s", "Apache Flink 2.0, checkpoints every 1 s", Engine.FLINK, 1_000),
  FLINK_10S("flink-10s", "Apache Flink 2.0, checkpoints every 10 s", Engine.FLINK, 10_000);

  /** What runs the query. */
  public enum Engine {
    PLUGIN,
    MICRO_BATCH,
    STOCK_CONTINUOUS,
    BUILT_IN_REAL_TIME,
    /** Apache Flink's DataStream API on a local mini cluster, in its own classpath. */
    FLINK,
    NONE
  }

  private final String id;
  private final String label;
  private final Engine engine;
  private final long intervalMs;

  Mode(String id, String label, Engine engine, long intervalMs) {
    this.id = id;
    this.label = label;
    this.engine = engine;
    this.intervalMs = intervalMs;
  }

  public String id() {
    return id;
  }

  public String label() {
    return label;
  }

  public Engine engine() {
    return engine;
  }

  public boolean usesSpark() {
    return engine != Engine.NONE && engine != Engine.FLINK;
  }

  /** Whether the run reports commits: Spark's epochs or batches, Flink's checkpoints. */
  public boolean hasCommits() {
    return engine != Engine.NONE;
  }

  /**
   * The plugin mode a Flink mode is compared with (same epoch / checkpoint interval), and back;
   * empty for every other mode.
   */
  public java.util.Optional<Mode> counterpart() {
    return switch (this) {
      case PLUGIN_100MS -> java.util.Optional.of(FLINK_100MS);
      case PLUGIN_1S -> java.util.Optional.of(FLINK_1S);
      case PLUGIN_10S -> java.util.Optional.of(FLINK_10S);
      case FLINK_100MS -> java.util.Optional.of(PLUGIN_100MS);
      case FLINK_1S -> java.util.Optional.of(PLUGIN_1S);
      case FLINK_10S -> java.util.Optional.of(PLUGIN_10S);
      default -> java.util.Optional.empty();
    };
  }

  /**
   * The epoch or batch interval, or 0 when batches follow each other as fast as they complete
   * (micro-batch) or there are none (relay).
   */
  public long intervalMs() {
    return intervalMs;
  }

  /** The baseline the report's ratios divide by. */
  public static Mode stockBaseline() {
    return MICROBATCH;
  }

  public static Mode byId(String id) {
    return Arrays.stream(values())
        .filter(m -> m.id.equals(id.toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown mode " + id + "; one of " + Arrays.toString(ids())));
  }

  public static String[] ids() {
    return Arrays.stream(values()).map(Mode::id).toArray(String[]::new);
  }
}
