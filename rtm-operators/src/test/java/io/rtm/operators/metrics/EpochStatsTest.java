package io.rtm.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EpochStatsTest {
  private static EpochStats task(boolean source, boolean sink, long in, long out, long latencyMicros, long watermark,
      List<StateOperatorStats> state) {
    LatencyHistogram h = new LatencyHistogram();
    if (sink) {
      h.record(latencyMicros);
    }
    return EpochStats.ofTask("run-1", 7, source, sink, in, out, h, 2_000_000, 3, 4, watermark, state);
  }

  @Test
  void tasksOfAnEpochAddUpAndTheWatermarkIsTheLargest() {
    EpochStats sum = task(true, false, 10, 10, 0, Long.MIN_VALUE, List.of());
    sum.merge(task(true, false, 5, 5, 0, 1000, List.of()));
    sum.merge(task(false, true, 15, 12, 800, 2000,
        List.of(new StateOperatorStats(0, "stateStoreSave", 6, 1024, 1, 1, 7, 2))));
    sum.merge(task(false, true, 0, 0, 900, 1500,
        List.of(new StateOperatorStats(0, "stateStoreSave", 4, 2048, 2, 1, 3, 1))));
    assertThat(sum.tasks()).isEqualTo(4);
    assertThat(sum.sourceRows()).isEqualTo(15);
    assertThat(sum.sinkRows()).isEqualTo(12);
    assertThat(sum.rowsIn()).isEqualTo(30);
    assertThat(sum.backpressureNanos()).isEqualTo(8_000_000);
    assertThat(sum.shuffleQueuedBuffers()).isEqualTo(12);
    assertThat(sum.watermarkMs()).isEqualTo(2000);
    assertThat(sum.latency().count()).isEqualTo(2);
    assertThat(sum.latency().maxMicros()).isEqualTo(900);
    assertThat(sum.stateOperators()).containsExactly(new StateOperatorStats(0, "stateStoreSave", 10, 3072, 3, 2, 10, 3));
  }

  @Test
  void theWireFormKeepsEveryFigure() {
    EpochStats sum = task(true, true, 10, 9, 1234, 99,
        List.of(new StateOperatorStats(3, "dedupe", 1, 2, 3, 1, 7, 8), new StateOperatorStats(1, "stateStoreSave", 4, 5, 6, 1, 9, 10)));
    String wire = sum.encode();
    assertThat(EpochStats.isWire(wire)).isTrue();
    assertThat(EpochStats.isWire("rtm.register\u0001x")).isFalse();
    EpochStats back = EpochStats.decode(wire);
    assertThat(back.encode()).isEqualTo(wire);
    assertThat(back.queryRunId()).isEqualTo("run-1");
    assertThat(back.epoch()).isEqualTo(7);
    assertThat(back.sinkRows()).isEqualTo(9);
    assertThat(back.latency().maxMicros()).isEqualTo(1234);
    assertThat(back.stateOperators()).containsExactly(new StateOperatorStats(1, "stateStoreSave", 4, 5, 6, 1, 9, 10),
        new StateOperatorStats(3, "dedupe", 1, 2, 3, 1, 7, 8));
    assertThatThrownBy(() -> EpochStats.decode("rtm.epochStats\u0001x")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyFiguresOfTheSameRunAndEpochMerge() {
    EpochStats a = EpochStats.ofTask("run-1", 7, true, true, 1, 1, new LatencyHistogram(), 0, 0, 0, 0, List.of());
    EpochStats b = EpochStats.ofTask("run-1", 8, true, true, 1, 1, new LatencyHistogram(), 0, 0, 0, 0, List.of());
    assertThatThrownBy(() -> a.merge(b)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTaskStartsEachEpochFromZeroAndMeasuresLatencyOnlyAtTheSink() {
    TaskEpochMetrics m = new TaskEpochMetrics();
    m.rowIn();
    m.rowOut(true); // no origin yet: not a latency
    m.origin(MicroClock.nowMicros() - 5_000);
    m.rowIn();
    m.rowOut(true);
    m.rowOut(false);
    m.stateCommitted(2, "a,b", 10, 20, 1, 4, 3);
    EpochStats first = m.endEpoch("r", 1, true, true, 0, 0, 0, Long.MIN_VALUE);
    assertThat(first.rowsIn()).isEqualTo(2);
    assertThat(first.rowsOut()).isEqualTo(3);
    assertThat(first.latency().count()).isEqualTo(1);
    assertThat(first.latency().maxMicros()).isBetween(5_000L, 5_000_000L);
    assertThat(first.stateOperators()).containsExactly(new StateOperatorStats(2, "a_b", 10, 20, 1, 1, 4, 3));
    EpochStats second = m.endEpoch("r", 2, true, true, 0, 0, 0, Long.MIN_VALUE);
    assertThat(second.rowsIn()).isZero();
    assertThat(second.latency().count()).isZero();
    assertThat(second.stateOperators()).isEmpty();
  }
}
