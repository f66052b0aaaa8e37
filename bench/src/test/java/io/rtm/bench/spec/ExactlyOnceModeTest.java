package io.rtm.bench.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.query.SparkSessions;
import io.rtm.bench.query.Triggers;
import java.util.Arrays;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

class ExactlyOnceModeTest {
  @Test
  void theExactlyOnceModesParseByIdAndRunThePluginAtTheirTwinsInterval() {
    assertThat(Mode.byId("plugin-eos-100ms")).isEqualTo(Mode.PLUGIN_EOS_100MS);
    assertThat(Mode.byId("PLUGIN-EOS-1S")).isEqualTo(Mode.PLUGIN_EOS_1S);
    assertThat(Mode.ids()).contains("plugin-eos-100ms", "plugin-eos-1s");
    for (Mode m : new Mode[] {Mode.PLUGIN_EOS_100MS, Mode.PLUGIN_EOS_1S}) {
      Mode twin = m.atLeastOnceTwin().orElseThrow();
      assertThat(m.exactlyOnce()).isTrue();
      assertThat(m.engine()).isEqualTo(Mode.Engine.PLUGIN);
      assertThat(twin.exactlyOnce()).isFalse();
      assertThat(twin.engine()).isEqualTo(Mode.Engine.PLUGIN);
      assertThat(twin.intervalMs()).isEqualTo(m.intervalMs());
      // The same trigger as the twin: only the sink differs.
      assertThat(Triggers.of(m)).contains(Trigger.Continuous(m.intervalMs()));
      assertThat(Triggers.of(m)).isEqualTo(Triggers.of(twin));
      // Flink's sink is at-least-once: no plugin-vs-Flink pairing for these.
      assertThat(m.counterpart()).isEmpty();
    }
    assertThat(Mode.PLUGIN_EOS_100MS.atLeastOnceTwin()).contains(Mode.PLUGIN_100MS);
    assertThat(Mode.PLUGIN_EOS_1S.atLeastOnceTwin()).contains(Mode.PLUGIN_1S);
  }

  @Test
  void onlyTheExactlyOnceModesAreExactlyOnce() {
    assertThat(Arrays.stream(Mode.values()).filter(Mode::exactlyOnce))
        .containsExactlyInAnyOrder(Mode.PLUGIN_EOS_100MS, Mode.PLUGIN_EOS_1S);
    assertThat(Arrays.stream(Mode.values()).filter(m -> !m.exactlyOnce()))
        .allSatisfy(m -> assertThat(m.atLeastOnceTwin()).isEmpty());
  }

  @Test
  void exactlyOnceModesAreMeasuredReadCommittedAndEveryOtherModeReadUncommitted() {
    for (Mode m : Mode.values()) {
      assertThat(m.consumerIsolationLevel()).as(m.id())
          .isEqualTo(m.exactlyOnce() ? "read_committed" : "read_uncommitted");
    }
  }

  @Test
  void onlyTheExactlyOnceModesSwitchOnTheTransactionalSink() {
    assertThat(SparkSessions.modeConfs(Mode.PLUGIN_EOS_100MS)).containsExactlyEntriesOf(
        java.util.Map.of("spark.rtm.kafka.exactlyOnce", "true"));
    assertThat(SparkSessions.modeConfs(Mode.PLUGIN_EOS_1S)).containsEntry("spark.rtm.kafka.exactlyOnce", "true");
    assertThat(Arrays.stream(Mode.values()).filter(m -> !m.exactlyOnce() && m != Mode.PLUGIN_TCP_100MS))
        .allSatisfy(m -> assertThat(SparkSessions.modeConfs(m)).isEmpty());
  }

  @Test
  void theTcpShuffleModeDiffersFromPlugin100msOnlyInTurningLocalChannelsOff() {
    assertThat(SparkSessions.modeConfs(Mode.PLUGIN_TCP_100MS)).containsExactlyEntriesOf(
        java.util.Map.of("spark.rtm.shuffle.localChannels.enabled", "false"));
    assertThat(Triggers.of(Mode.PLUGIN_TCP_100MS)).isEqualTo(Triggers.of(Mode.PLUGIN_100MS));
    assertThat(Mode.PLUGIN_TCP_100MS.engine()).isEqualTo(Mode.PLUGIN_100MS.engine());
  }
}
