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
  PLUGIN_EOS_100MS("plugin-eos-100ms", "plugin real-time, Continuous(100 ms), exactly-once Kafka sink", Engine.PLUGIN,
      100, true),
  PLUGIN_EOS_1S("plugin-eos-1s", "plugin real-time, Continuous(1 s), exactly-once Kafka sink", Engine.PLUGIN, 1_000,
      true),
  PLUGIN_TCP_100MS("plugin-tcp-100ms", "plugin real-time, Continuous(100 ms), in-JVM shuffle over loopback TCP",
      Engine.PLUGIN, 100),
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
  private final boolean exactlyOnce;

  Mode(String id, String label, Engine engine, long intervalMs) {
    this(id, label, engine, intervalMs, false);
  }

  Mode(String id, String label, Engine engine, long intervalMs, boolean exactlyOnce) {
    this.id = id;
    this.label = label;
    this.engine = engine;
    this.intervalMs = intervalMs;
    this.exactlyOnce = exactlyOnce;
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

  /**
   * Whether the query writes through the plugin's exactly-once Kafka sink ({@code
   * spark.rtm.kafka.exactlyOnce=true}): one transaction per sink task per epoch, committed when the
   * epoch commits. Every other mode writes at-least-once (the default).
   */
  public boolean exactlyOnce() {
    return exactlyOnce;
  }

  /**
   * The isolation level of the measuring consumer: {@code read_committed} for an exactly-once
   * mode, since that is the only consumer its guarantee holds for (a {@code read_uncommitted} one
   * would see rows before their epoch commits, and aborted ones) and the latency users of it get;
   * the Kafka default, {@code read_uncommitted}, for every other mode.
   */
  public String consumerIsolationLevel() {
    return exactlyOnce ? "read_committed" : "read_uncommitted";
  }

  /**
   * For an exactly-once mode, the at-least-once plugin mode with the same epoch interval, which the
   * report divides its latency by; empty for every other mode.
   */
  public java.util.Optional<Mode> atLeastOnceTwin() {
    return switch (this) {
      case PLUGIN_EOS_100MS -> java.util.Optional.of(PLUGIN_100MS);
      case PLUGIN_EOS_1S -> java.util.Optional.of(PLUGIN_1S);
      default -> java.util.Optional.empty();
    };
  }

  /** Whether the run reports commits: Spark's epochs or batches, Flink's checkpoints. */
  public boolean hasCommits() {
    return engine != Engine.NONE;
  }

  /**
   * The plugin mode a Flink mode is compared with (same epoch / checkpoint interval), and back;
   * empty for every other mode, the exactly-once plugin modes included (the Flink jobs' Kafka sink
   * is at-least-once, so only the at-least-once plugin modes compare like with like).
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
