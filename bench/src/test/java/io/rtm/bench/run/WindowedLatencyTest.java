package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.LatencySummary;
import org.junit.jupiter.api.Test;

class WindowedLatencyTest {
  @Test
  void placesSamplesOnTheGeneratorClockAndSelectsTheWindowByArrival() {
    long generatorStartUs = 1_000_000_000L;
    // The first output arrived 1.5 s after the generator started; then one sample every 500 ms.
    int[] arrivalsMs = {0, 500, 1000, 1500, 2000};
    int[] latencyUs = {900, 100, 200, 300, 5000};

    WindowedLatency samples = WindowedLatency.of(arrivalsMs, latencyUs, generatorStartUs + 1_500_000, generatorStartUs);
    LatencySummary window = samples.summary(2.0, 3.5);

    assertThat(samples.atSec()).containsExactly(1.5, 2.0, 2.5, 3.0, 3.5);
    assertThat(window.count()).isEqualTo(3);
    assertThat(window.p50Us()).isEqualTo(200);
    assertThat(window.maxUs()).isEqualTo(300);
    assertThat(window.throughputPerSec()).isEqualTo(2.0);
    assertThat(samples.sortedLatencies(2.0, 3.5)).containsExactly(100, 200, 300);
  }
}
