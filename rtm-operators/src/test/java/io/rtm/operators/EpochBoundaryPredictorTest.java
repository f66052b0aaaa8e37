package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EpochBoundaryPredictorTest {
  @Test
  void pollsCoarselyUntilTheIntervalIsKnown() {
    EpochBoundaryPredictor p = new EpochBoundaryPredictor(10);
    assertThat(p.nextPollDelayMs(0)).isEqualTo(10);
    p.epochChanged(1_000);
    assertThat(p.intervalMs()).isEqualTo(-1);
    assertThat(p.nextPollDelayMs(1_000)).isEqualTo(10);
  }

  @Test
  void pollsFinelyOnlyAroundThePredictedBoundary() {
    EpochBoundaryPredictor p = new EpochBoundaryPredictor(10);
    p.epochChanged(1_000);
    p.epochChanged(1_100);
    assertThat(p.intervalMs()).isEqualTo(100);
    assertThat(p.nextPollDelayMs(1_100)).isEqualTo(10);   // far from 1,200: coarse
    assertThat(p.nextPollDelayMs(1_192)).isEqualTo(3);    // sleeps up to the window at 1,195
    assertThat(p.nextPollDelayMs(1_196)).isEqualTo(1);    // inside the window: fine
    assertThat(p.nextPollDelayMs(1_209)).isEqualTo(1);
    assertThat(p.nextPollDelayMs(1_211)).isEqualTo(10);   // overdue trigger: back to coarse
  }

  @Test
  void lateTriggersDoNotStretchTheEstimate() {
    EpochBoundaryPredictor p = new EpochBoundaryPredictor(10);
    p.epochChanged(0);
    p.epochChanged(1_000);
    p.epochChanged(2_400); // a trigger that fell behind
    p.epochChanged(3_000);
    assertThat(p.intervalMs()).isEqualTo(600);
    p.epochChanged(4_000);
    assertThat(p.intervalMs()).isEqualTo(600);
  }

  @Test
  void epochsShorterThanTwoCoarsePollsArePolledFinelyThroughout() {
    EpochBoundaryPredictor p = new EpochBoundaryPredictor(10);
    p.epochChanged(0);
    p.epochChanged(15);
    assertThat(p.nextPollDelayMs(16)).isEqualTo(1);
  }
}
