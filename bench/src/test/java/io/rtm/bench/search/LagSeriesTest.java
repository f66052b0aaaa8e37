package io.rtm.bench.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LagSeriesTest {
  @Test
  void countLagIsTheOutputsOwedOverTheirRate() {
    double[] at = {1, 2, 3};
    long[] sent = {1_000, 2_000, 3_000};
    long[] received = {800, 1_400, 1_800};
    // every other event kept: owed 500, 1000, 1500 -> lag -300, -400, -300 outputs ... plus priming
    LagSeries lag = LagSeries.ofCounts(at, sent, received, n -> n / 2, 500);
    assertThat(lag.atSec()).containsExactly(1, 2, 3);
    assertThat(lag.lagSec()).containsExactly(-0.6, -0.8, -0.6);
  }

  @Test
  void countLagGrowsWhenOutputsFallBehind() {
    double[] at = {1, 2, 3, 4};
    long[] sent = {1_000, 2_000, 3_000, 4_000};
    long[] received = {1_000, 1_900, 2_800, 3_700};
    LagSeries lag = LagSeries.ofCounts(at, sent, received, n -> n, 1_000);
    assertThat(lag.lagSec()).containsExactly(0, 0.1, 0.2, 0.3);
  }

  @Test
  void frontierLagIsTheClockMinusTheNewestSendTimeSeen() {
    // outputs at 1.0 s (sent at 0.9 s) and 1.5 s (sent at 1.45 s)
    double[] arrival = {1.0, 1.5};
    int[] latencyUs = {100_000, 50_000};
    LagSeries lag = LagSeries.ofFrontier(arrival, latencyUs, 0.5, 2.0, 0.5);
    // at 0.5 nothing seen yet: no point; at 1.0: 1.0 - 0.9; at 1.5: 1.5 - 1.45; at 2.0: 2.0 - 1.45
    assertThat(lag.atSec()).containsExactly(1.0, 1.5, 2.0);
    assertThat(lag.lagSec()[0]).isCloseTo(0.1, within(1e-9));
    assertThat(lag.lagSec()[1]).isCloseTo(0.05, within(1e-9));
    assertThat(lag.lagSec()[2]).isCloseTo(0.55, within(1e-9));
  }

  @Test
  void anOlderOutputArrivingLateDoesNotMoveTheFrontierBack() {
    double[] arrival = {1.0, 1.2};
    int[] latencyUs = {10_000, 900_000};
    LagSeries lag = LagSeries.ofFrontier(arrival, latencyUs, 1.0, 1.2, 0.2);
    assertThat(lag.lagSec()[1]).isCloseTo(1.2 - 0.99, within(1e-9));
  }

  @Test
  void aStalledEngineHasAFrontierLagGrowingOneSecondPerSecond() {
    double[] arrival = {0.1};
    int[] latencyUs = {50_000};
    LagSeries lag = LagSeries.ofFrontier(arrival, latencyUs, 1, 4, 1);
    assertThat(lag.lagSec()).containsExactly(0.95, 1.95, 2.95, 3.95);
  }
}
