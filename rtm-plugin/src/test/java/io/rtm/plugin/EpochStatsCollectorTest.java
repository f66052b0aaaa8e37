package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.metrics.LatencyHistogram;
import io.rtm.operators.metrics.StateOperatorStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochStatsCollectorTest {
  private static EpochStats task(String run, long epoch, long sourceRows, long sinkRows, long latencyMicros) {
    LatencyHistogram h = new LatencyHistogram();
    h.record(latencyMicros);
    return EpochStats.ofTask(run, epoch, sourceRows > 0, sinkRows > 0, sourceRows, sinkRows, h, 0, 0, 0,
        Long.MIN_VALUE, List.of(new StateOperatorStats(0, "stateStoreSave", 5, 100, 0, 1, 2, 1)));
  }

  @Test
  void figuresOfOneEpochAreSummedOverTasksAndTakenOnce() {
    EpochStatsCollector c = new EpochStatsCollector();
    c.expect("r", 2);
    c.add(EpochStats.decode(task("r", 4, 10, 0, 100).encode()));
    assertThat(c.tasksReported("r", 4)).isEqualTo(1);
    c.add(EpochStats.decode(task("r", 4, 0, 7, 300).encode()));
    c.add(task("r", 5, 3, 0, 1));
    assertThat(c.tasksReported("r", 4)).isEqualTo(2);
    EpochStats sum = c.take("r", 4);
    assertThat(sum.sourceRows()).isEqualTo(10);
    assertThat(sum.sinkRows()).isEqualTo(7);
    assertThat(sum.latency().maxMicros()).isEqualTo(300);
    assertThat(sum.stateOperators()).containsExactly(new StateOperatorStats(0, "stateStoreSave", 10, 200, 0, 2, 4, 2));
    assertThat(c.take("r", 4)).isNull();
    // A straggler of a reported epoch is dropped instead of piling up.
    c.add(task("r", 4, 1, 0, 1));
    assertThat(c.tasksReported("r", 4)).isZero();
    assertThat(c.take("r", 5).sourceRows()).isEqualTo(3);
  }

  @Test
  void unannouncedRunsAreDroppedAndPendingEpochsAreBounded() {
    EpochStatsCollector c = new EpochStatsCollector();
    c.add(task("ghost", 1, 1, 0, 1));
    assertThat(c.tasksReported("ghost", 1)).isZero();
    c.expect("r", 1);
    for (int e = 0; e < EpochStatsCollector.MAX_PENDING_EPOCHS + 10; e++) {
      c.add(task("r", e, 1, 0, 1));
    }
    assertThat(c.tasksReported("r", 0)).as("oldest dropped").isZero();
    assertThat(c.tasksReported("r", EpochStatsCollector.MAX_PENDING_EPOCHS + 9)).isEqualTo(1);
    c.forget("r");
    assertThat(c.expectedTasks("r")).isZero();
  }
}
