package io.rtm.bench.flink;

import io.rtm.bench.spec.Mode;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Flink configuration of a Flink mode, as a user tuning a local job for latency would write it
 * in config.yaml. Plain strings and no Flink import, so the benchmark's own JVM (which has no
 * Flink) can print the same settings in its report that the Flink child JVM runs with; {@code
 * FlinkSettingsTest} checks every key against Flink's own option.
 */
public final class FlinkSettings {
  /** Two source tasks for the two input partitions, two keyed tasks: Spark's parallelism here. */
  public static final int PARALLELISM = 2;

  /**
   * Flush network buffers after at most 1 ms. Not 0 (flush after every record): Flink's docs
   * warn that 0 can degrade performance severely and advise a value close to 0 instead.
   */
  public static final String BUFFER_TIMEOUT = "1 ms";

  /** Watermarks every 10 ms instead of 200 ms, so a window closes soon after its end passes. */
  public static final String AUTO_WATERMARK_INTERVAL = "10 ms";

  /**
   * The JVM options Flink 2.0's distribution starts its processes with on Java 17
   * ({@code env.java.opts.all} in its default config.yaml): Kryo and the RPC layer reflect into
   * these packages.
   */
  public static final List<String> JAVA17_OPTIONS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private FlinkSettings() {}

  /** Every key this benchmark sets, in the order docs/benchmarks.md lists them. */
  public static Map<String, String> of(Mode mode, Path checkpointDir) {
    if (mode.engine() != Mode.Engine.FLINK) {
      throw new IllegalArgumentException(mode.id() + " is not a Flink mode");
    }
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("parallelism.default", Integer.toString(PARALLELISM));
    conf.put("taskmanager.numberOfTaskSlots", Integer.toString(PARALLELISM));
    conf.put("execution.buffer-timeout.enabled", "true");
    conf.put("execution.buffer-timeout.interval", BUFFER_TIMEOUT);
    conf.put("pipeline.auto-watermark-interval", AUTO_WATERMARK_INTERVAL);
    conf.put("pipeline.object-reuse", "true");
    // The Spark side: exactly-once state (epoch-aligned state versions), at-least-once Kafka sink.
    conf.put("execution.checkpointing.interval", mode.intervalMs() + " ms");
    conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    conf.put("execution.checkpointing.unaligned.enabled", "false");
    conf.put("execution.checkpointing.max-concurrent-checkpoints", "1");
    conf.put("execution.checkpointing.min-pause", "0 ms");
    conf.put("state.backend.type", "hashmap");
    conf.put("execution.checkpointing.storage", "filesystem");
    conf.put("execution.checkpointing.dir", checkpointDir.toUri().toString());
    // Like the plugin's recovery (spark.rtm.recovery.maxRetries=3, 200 ms backoff).
    conf.put("restart-strategy.type", "fixed-delay");
    conf.put("restart-strategy.fixed-delay.attempts", "3");
    conf.put("restart-strategy.fixed-delay.delay", "200 ms");
    return conf;
  }
}
