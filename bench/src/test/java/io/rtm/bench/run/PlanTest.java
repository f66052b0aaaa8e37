package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
  private final Plan plan = Plan.fullPlan().with(List.of(Workload.values()), List.of(Mode.values()),
      List.of(1_000, 10_000), Duration.ofSeconds(10), Duration.ofSeconds(10));

  @Test
  void windowsCrossAtLeastFiveBoundaries() {
    assertThat(plan.windowFor(Mode.PLUGIN_100MS)).isEqualTo(Duration.ofSeconds(10));
    assertThat(plan.windowFor(Mode.PLUGIN_1S)).isEqualTo(Duration.ofSeconds(10));
    assertThat(plan.windowFor(Mode.PLUGIN_10S)).isEqualTo(Duration.ofSeconds(51));
    assertThat(plan.windowFor(Mode.REALTIME_5S)).isEqualTo(Duration.ofSeconds(26));
    assertThat(plan.windowFor(Mode.MICROBATCH)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void fiveMinuteBatchesAreMeasuredInsideOneBatch() {
    assertThat(plan.windowFor(Mode.REALTIME)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyCellIsPlannedWorkloadByWorkload() {
    List<RunSpec> specs = plan.specs();

    assertThat(specs).hasSize(Workload.values().length * Mode.values().length * 2);
    assertThat(specs.get(0).workload()).isEqualTo(Workload.STATELESS);
    assertThat(specs.get(specs.size() - 1).workload()).isEqualTo(Workload.BROADCAST_JOIN);
  }

  @Test
  void quickRunsSendAnExactNumberOfEvents() {
    RunSpec spec = Plan.quickPlan().specs().get(0);

    assertThat(spec.checksOutput()).isTrue();
    // The pacer sends event i at i/rate; half a period past event N-1 ends the run.
    assertThat(spec.sendDuration()).isEqualTo(Duration.ofNanos((long) ((2_000 - 0.5) * 1e9 / 1_000)));
  }

  @Test
  void quickRunsFlinkBesideTheOtherModesAndTheRunningCountUnderFlinkOnly() {
    List<RunSpec> specs = Plan.quickPlan().specs();

    assertThat(specs).hasSize(9);
    assertThat(specs).filteredOn(s -> s.workload() == Workload.AGGREGATION)
        .extracting(RunSpec::mode).containsExactly(Mode.FLINK_100MS);
    assertThat(specs).filteredOn(s -> s.mode() == Mode.FLINK_100MS)
        .extracting(RunSpec::workload).containsExactly(Workload.STATELESS, Workload.SHUFFLE, Workload.AGGREGATION);
  }
}
