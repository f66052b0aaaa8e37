package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.spec.Mode;
import org.junit.jupiter.api.Test;

/** The recorder a run measures with, as built (not started: no broker is needed to read its settings). */
class MeasuringConsumerTest {
  @Test
  void anExactlyOnceRunIsMeasuredByAReadCommittedConsumer() {
    LatencyRecorder eos = RunExecutor.recorder("127.0.0.1:1", "out", Mode.PLUGIN_EOS_100MS);
    LatencyRecorder eos1s = RunExecutor.recorder("127.0.0.1:1", "out", Mode.PLUGIN_EOS_1S);

    assertThat(eos.isolationLevel()).isEqualTo("read_committed");
    assertThat(eos1s.isolationLevel()).isEqualTo("read_committed");
  }

  @Test
  void atLeastOnceRunsKeepKafkasDefaultIsolation() {
    for (Mode m : new Mode[] {Mode.PLUGIN_100MS, Mode.PLUGIN_1S, Mode.MICROBATCH, Mode.RELAY, Mode.FLINK_100MS}) {
      assertThat(RunExecutor.recorder("127.0.0.1:1", "out", m).isolationLevel()).as(m.id())
          .isEqualTo("read_uncommitted");
    }
  }
}
