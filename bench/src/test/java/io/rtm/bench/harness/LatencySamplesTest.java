package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencySamplesTest {
  private static final long T0 = 1_700_000_000_000_000L;

  @Test
  void nearestRankPercentilesOfOneToThousand() {
    LatencySamples samples = new LatencySamples(10_000);
    List<Integer> latencies = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      latencies.add(i);
    }
    Collections.shuffle(latencies, new Random(7));
    for (int latency : latencies) {
      samples.add(T0, latency);
    }

    LatencySummary summary = samples.summary();

    assertThat(summary.count()).isEqualTo(1000);
    assertThat(summary.p50Us()).isEqualTo(500);
    assertThat(summary.p90Us()).isEqualTo(900);
    assertThat(summary.p99Us()).isEqualTo(990);
    assertThat(summary.p999Us()).isEqualTo(999);
    assertThat(summary.maxUs()).isEqualTo(1000);
  }

  @Test
  void smallSamplesRoundRanksUp() {
    LatencySamples samples = new LatencySamples(16);
    for (long latency : new long[] {40, 10, 30, 20}) {
      samples.add(T0, latency);
    }

    LatencySummary summary = samples.summary();

    assertThat(summary.p50Us()).isEqualTo(20);
    assertThat(summary.p90Us()).isEqualTo(40);
    assertThat(summary.p999Us()).isEqualTo(40);
  }

  @Test
  void windowSelectsByArrivalAfterWarmup() {
    LatencySamples samples = new LatencySamples(10_000);
    // One sample per millisecond for 2 s; latency is huge during the first 500 ms (warm-up).
    for (int ms = 0; ms < 2000; ms++) {
      samples.add(T0 + ms * 1_000L, ms < 500 ? 1_000_000 : 100 + ms % 100);
    }

    LatencySummary steady = samples.summary(Duration.ofMillis(500), Duration.ofMillis(1000));

    assertThat(steady.count()).isEqualTo(1000);
    assertThat(steady.maxUs()).isEqualTo(199);
    assertThat(steady.p50Us()).isEqualTo(149);
    assertThat(steady.throughputPerSec()).isEqualTo(1000.0);
  }

  @Test
  void samplesBeyondCapacityAreCountedNotKept() {
    LatencySamples samples = new LatencySamples(3);
    for (int i = 0; i < 5; i++) {
      samples.add(T0 + i, 7);
    }

    assertThat(samples.size()).isEqualTo(3);
    assertThat(samples.dropped()).isEqualTo(2);
    assertThat(samples.summary().droppedSamples()).isEqualTo(2);
  }

  @Test
  void emptyWindowIsAllZero() {
    LatencySummary summary = new LatencySamples(4).summary();

    assertThat(summary.count()).isZero();
    assertThat(summary.p99Us()).isZero();
    assertThat(summary.toJson()).contains("\"count\":0", "\"p999_us\":0");
  }
}
