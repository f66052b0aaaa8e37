package io.rtm.bench.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.bench.spec.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/**
 * The settings are plain strings (the report prints them in a JVM without Flink): every key must
 * be one Flink reads, and every value must parse to what docs/benchmarks.md says. Uses Flink's
 * configuration classes only, no cluster.
 */
class FlinkSettingsTest {
  private static final ConfigOption<?>[] OPTIONS = {
    CoreOptions.DEFAULT_PARALLELISM, TaskManagerOptions.NUM_TASK_SLOTS,
    ExecutionOptions.BUFFER_TIMEOUT_ENABLED, ExecutionOptions.BUFFER_TIMEOUT,
    PipelineOptions.AUTO_WATERMARK_INTERVAL, PipelineOptions.OBJECT_REUSE,
    CheckpointingOptions.CHECKPOINTING_INTERVAL, CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
    CheckpointingOptions.ENABLE_UNALIGNED, CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS,
    CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, StateBackendOptions.STATE_BACKEND,
    CheckpointingOptions.CHECKPOINT_STORAGE, CheckpointingOptions.CHECKPOINTS_DIRECTORY,
    RestartStrategyOptions.RESTART_STRATEGY, RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
  };

  @Test
  void everyKeyIsAFlinkOptionKey() {
    Map<String, String> settings = FlinkSettings.of(Mode.FLINK_100MS, Path.of("/tmp/cp"));
    assertThat(settings.keySet()).containsExactlyInAnyOrder(
        java.util.Arrays.stream(OPTIONS).map(ConfigOption::key).toArray(String[]::new));
  }

  @Test
  void valuesParseToTheDocumentedSettings() {
    Configuration conf = Configuration.fromMap(FlinkSettings.of(Mode.FLINK_1S, Path.of("/tmp/cp")));

    assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
    assertThat(conf.get(ExecutionOptions.BUFFER_TIMEOUT)).isEqualTo(Duration.ofMillis(1));
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    assertThat(conf.get(CheckpointingOptions.ENABLE_UNALIGNED)).isFalse();
    assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
    assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("file:///tmp/cp");
    assertThat(conf.get(PipelineOptions.AUTO_WATERMARK_INTERVAL)).isEqualTo(Duration.ofMillis(10));
    assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void theCheckpointIntervalIsTheModesInterval() {
    for (Mode m : new Mode[] {Mode.FLINK_100MS, Mode.FLINK_1S, Mode.FLINK_10S}) {
      Configuration conf = Configuration.fromMap(FlinkSettings.of(m, Path.of("/tmp/cp")));
      assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofMillis(m.intervalMs()));
      assertThat(m.counterpart().orElseThrow().intervalMs()).isEqualTo(m.intervalMs());
    }
    assertThatThrownBy(() -> FlinkSettings.of(Mode.PLUGIN_1S, Path.of("/tmp/cp"))).hasMessageContaining("not a Flink mode");
  }
}
