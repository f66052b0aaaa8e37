package io.rtm.bench.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.rtm.bench.harness.LatencySummary;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StepVerdictTest {
  /** 10 s window, p99 bound 1 s, lag growth allowed 10 % of the window (1 s), at least 0.25 s. */
  private static final RateSearch SEARCH = new RateSearch(1_000, 2, 64_000, Duration.ofSeconds(2),
      Duration.ofSeconds(10), 1_000_000, 0.1, Duration.ofMillis(250));

  private static LatencySummary p99(long p99Us) {
    return new LatencySummary(1_000, p99Us / 2, p99Us, p99Us, p99Us, p99Us, 9_000, 0);
  }

  /** Samples every 100 ms over 10 s. */
  private static double[] times() {
    double[] t = new double[101];
    for (int i = 0; i < t.length; i++) {
      t[i] = 20 + i * 0.1;
    }
    return t;
  }

  @Test
  void steadyLowLagIsSustainable() {
    double[] t = times();
    double[] lag = new double[t.length];
    java.util.Arrays.fill(lag, 0.02);
    StepVerdict v = StepVerdict.judge(SEARCH, 10_000, 10_000, t, lag, p99(30_000));
    assertThat(v.sustainable()).isTrue();
    assertThat(v.lagGrowthSec()).isCloseTo(0, within(1e-9));
  }

  @Test
  void aMicroBatchSawtoothThatKeepsUpIsSustainable() {
    // Lag climbs for 0.9 s while a batch runs, then drops to its floor when the batch lands; the
    // teeth fall differently in the first and last third, the floors do not.
    double[] t = times();
    double[] lag = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      lag[i] = 0.1 + (i % 9) * 0.1;
    }
    StepVerdict v = StepVerdict.judge(SEARCH, 10_000, 10_000, t, lag, p99(900_000));
    assertThat(v.reason()).isEqualTo(StepVerdict.Reason.SUSTAINABLE);
  }

  @Test
  void anEngineThatFallsBehindHasAGrowingLag() {
    // Processing 80 % of the offered rate: 0.2 s of input behind per second.
    double[] t = times();
    double[] lag = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      lag[i] = 0.05 + 0.2 * (t[i] - t[0]);
    }
    StepVerdict v = StepVerdict.judge(SEARCH, 10_000, 10_000, t, lag, p99(500_000));
    assertThat(v.reason()).isEqualTo(StepVerdict.Reason.LAG_GROWING);
    // floor of the last third (from 6.67 s on) minus floor of the first (at 0 s)
    assertThat(v.lagGrowthSec()).isCloseTo(0.2 * 6.7, within(0.03));
    assertThat(v.allowedGrowthSec()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void aSmallDriftWithinTheAllowanceIsSustainable() {
    double[] t = times();
    double[] lag = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      lag[i] = 0.05 + 0.1 * (t[i] - t[0]);
    }
    assertThat(StepVerdict.judge(SEARCH, 10_000, 10_000, t, lag, p99(200_000)).sustainable()).isTrue();
  }

  @Test
  void aP99AboveTheBoundIsNotSustainableEvenWithoutLagGrowth() {
    double[] t = times();
    double[] lag = new double[t.length];
    java.util.Arrays.fill(lag, 0.5);
    StepVerdict v = StepVerdict.judge(SEARCH, 10_000, 10_000, t, lag, p99(1_000_001));
    assertThat(v.reason()).isEqualTo(StepVerdict.Reason.P99_ABOVE_BOUND);
    assertThat(v.detail()).contains("1000.0 ms");
  }

  @Test
  void aStepTheGeneratorCouldNotOfferSaysNothingAboutTheEngine() {
    double[] t = times();
    double[] lag = new double[t.length];
    StepVerdict v = StepVerdict.judge(SEARCH, 100_000, 90_000, t, lag, p99(10_000));
    assertThat(v.reason()).isEqualTo(StepVerdict.Reason.GENERATOR_BOUND);
    assertThat(v.sustainable()).isFalse();
    // 95 % is enough
    assertThat(StepVerdict.judge(SEARCH, 100_000, 95_500, t, lag, p99(10_000)).sustainable()).isTrue();
  }

  @Test
  void noOutputInTheWindowIsAStall() {
    double[] t = times();
    StepVerdict v = StepVerdict.judge(SEARCH, 10_000, 10_000, t, new double[t.length],
        new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0));
    assertThat(v.reason()).isEqualTo(StepVerdict.Reason.NO_OUTPUT);
  }

  @Test
  void theMinimumAllowanceAppliesToShortWindows() {
    RateSearch shortWindow = new RateSearch(1_000, 2, 64_000, Duration.ofSeconds(1), Duration.ofSeconds(2),
        1_000_000, 0.1, Duration.ofMillis(250));
    double[] t = {0, 0.5, 1.0, 1.5, 2.0};
    double[] lag = {0.1, 0.1, 0.2, 0.3, 0.32};
    // floors 0.1 (t <= 0.67) and 0.3 (t >= 1.33): growth 0.2 s > 10 % of 2 s, but under the 0.25 s minimum
    assertThat(StepVerdict.judge(shortWindow, 1_000, 1_000, t, lag, p99(5_000)).sustainable()).isTrue();
    double[] more = {0.1, 0.1, 0.2, 0.4, 0.5};
    assertThat(StepVerdict.judge(shortWindow, 1_000, 1_000, t, more, p99(5_000)).reason())
        .isEqualTo(StepVerdict.Reason.LAG_GROWING);
  }

  @Test
  void floorGrowthComparesTheLowestLagOfTheFirstAndLastThird() {
    double[] t = {0, 1, 2, 3, 4, 5, 6};
    double[] lag = {0.5, 0.1, 9, 9, 9, 0.4, 0.7};
    // first third: t <= 2 -> min 0.1; last third: t >= 4 -> min 0.4
    assertThat(StepVerdict.floorGrowth(t, lag)).isCloseTo(0.3, within(1e-9));
    assertThat(StepVerdict.floorGrowth(new double[] {0, 1}, new double[] {0, 1})).isNaN();
  }
}
