package io.rtm.bench.query;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.Optional;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.Trigger;

/** The trigger and output mode each Spark mode runs a workload with. */
public final class Triggers {
  private Triggers() {}

  /** Empty for the default trigger, which users get by not calling {@code trigger()} at all. */
  public static Optional<Trigger> of(Mode mode) {
    return switch (mode) {
      case PLUGIN_100MS, PLUGIN_1S, PLUGIN_10S, PLUGIN_EOS_100MS, PLUGIN_EOS_1S, PLUGIN_TCP_100MS, CONTINUOUS ->
          Optional.of(Trigger.Continuous(mode.intervalMs()));
      case MICROBATCH -> Optional.empty();
      case MICROBATCH_0S -> Optional.of(Trigger.ProcessingTime("0 seconds"));
      case REALTIME -> Optional.of(Trigger.RealTime());
      case REALTIME_5S -> Optional.of(Trigger.RealTime("5 seconds"));
      case RELAY -> throw new IllegalArgumentException("the relay has no Spark trigger");
      case FLINK_100MS, FLINK_1S, FLINK_10S -> throw new IllegalArgumentException("Flink modes have no Spark trigger");
    };
  }

  /**
   * The window-final fraud variant appends (each window once, when the watermark passes it).
   * Other aggregations need update mode to emit before their groups close; Spark's built-in real-time
   * mode accepts only update mode; everything else appends (continuous processing accepts nothing
   * else).
   */
  public static OutputMode outputMode(Mode mode, Workload workload) {
    if (workload.windowFinal()) {
      return OutputMode.Append();
    }
    return workload.stateful() || mode.engine() == Mode.Engine.BUILT_IN_REAL_TIME
        ? OutputMode.Update()
        : OutputMode.Append();
  }
}
