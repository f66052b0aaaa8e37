package io.rtm.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void percentilesOfSmallValuesAreExact() {
    LatencyHistogram h = new LatencyHistogram();
    for (int v = 1; v <= 50; v++) {
      h.record(v);
    }
    assertThat(h.count()).isEqualTo(50);
    assertThat(h.percentileMicros(0.5)).isEqualTo(25);
    assertThat(h.percentileMicros(0.99)).isEqualTo(50);
    assertThat(h.maxMicros()).isEqualTo(50);
  }

  @Test
  void percentilesOfAWideRandomSpreadStayWithinThreePercentOfTheExactOnes() {
    Random random = new Random(42);
    long[] values = new long[100_000];
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < values.length; i++) {
      // log-uniform from 1 us to ~17 minutes
      values[i] = (long) Math.exp(random.nextDouble() * Math.log(1e9));
      h.record(values[i]);
    }
    Arrays.sort(values);
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat((double) h.percentileMicros(q)).as("p" + q).isBetween(exact * 0.999, exact * 1.032);
    }
    assertThat(h.maxMicros()).isEqualTo(values[values.length - 1]);
    assertThat(h.percentileMicros(1.0)).isEqualTo(values[values.length - 1]);
  }

  @Test
  void everyValueFallsInABucketWhoseBoundsHoldIt() {
    for (long v : new long[] {0, 63, 64, 65, 127, 128, 1000, 123_456, 1L << 30, (1L << 41) + 5}) {
      int b = LatencyHistogram.bucketOf(v);
      assertThat(LatencyHistogram.upperBound(b)).as("upper bound of " + v).isGreaterThanOrEqualTo(v);
      if (b > 0) {
        assertThat(LatencyHistogram.upperBound(b - 1)).as("bucket below " + v).isLessThan(v);
      }
    }
    assertThat(LatencyHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void negativeLatenciesCountAsZeroAndEmptyIsZero() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.percentileMicros(0.5)).isZero();
    h.record(-500);
    assertThat(h.count()).isEqualTo(1);
    assertThat(h.maxMicros()).isZero();
  }

  @Test
  void mergedHistogramsEqualOneThatSawEveryValueAndSurviveTheirTextForm() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    LatencyHistogram all = new LatencyHistogram();
    for (int i = 0; i < 1000; i++) {
      long v = i * 37L % 5000;
      (i % 3 == 0 ? a : b).record(v);
      all.record(v);
    }
    LatencyHistogram merged = LatencyHistogram.decode(a.encode());
    merged.merge(LatencyHistogram.decode(b.encode()));
    assertThat(merged.encode()).isEqualTo(all.encode());
    assertThat(merged.count()).isEqualTo(1000);
    assertThat(merged.percentileMicros(0.99)).isEqualTo(all.percentileMicros(0.99));
    assertThat(LatencyHistogram.decode("").count()).isZero();
    assertThatThrownBy(() -> LatencyHistogram.decode("5;99999:1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void resetStartsTheNextEpochEmpty() {
    LatencyHistogram h = new LatencyHistogram();
    h.record(700);
    h.reset();
    assertThat(h.count()).isZero();
    assertThat(h.encode()).isEmpty();
    h.record(3);
    assertThat(h.percentileMicros(0.5)).isEqualTo(3);
  }
}
