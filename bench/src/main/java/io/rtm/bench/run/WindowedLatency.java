package io.rtm.bench.run;

import io.rtm.bench.harness.LatencySummary;
import java.util.Arrays;

/**
 * Latency samples placed on the benchmark's own clock (seconds since the generator started), so
 * that the measured window and the epoch commits line up with what was sent, whenever the first
 * output arrived.
 *
 * @param atSec arrival time of each sample, seconds after the generator started
 * @param latencyUs end-to-end latency of each sample
 */
public record WindowedLatency(double[] atSec, int[] latencyUs) {

  /** From the recorder's samples: arrivals in ms after the first sample, which arrived at {@code firstArrivalUs}. */
  public static WindowedLatency of(int[] arrivalsMs, int[] latenciesUs, long firstArrivalUs, long generatorStartUs) {
    double offsetSec = (firstArrivalUs - generatorStartUs) / 1e6;
    double[] at = new double[arrivalsMs.length];
    for (int i = 0; i < at.length; i++) {
      at[i] = offsetSec + arrivalsMs[i] / 1e3;
    }
    return new WindowedLatency(at, latenciesUs);
  }

  public int size() {
    return atSec.length;
  }

  /** Percentiles over the samples that arrived in [{@code fromSec}, {@code toSec}); throughput over that span. */
  public LatencySummary summary(double fromSec, double toSec) {
    int[] selected = new int[latencyUs.length];
    int n = 0;
    for (int i = 0; i < atSec.length; i++) {
      if (atSec[i] >= fromSec && atSec[i] < toSec) {
        selected[n++] = latencyUs[i];
      }
    }
    int[] sorted = Arrays.copyOf(selected, n);
    Arrays.sort(sorted);
    return new LatencySummary(
        n,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99),
        percentile(sorted, 99.9),
        n == 0 ? 0 : sorted[n - 1],
        n / (toSec - fromSec),
        0);
  }

  /** The window's latencies, sorted: what a CDF plots. */
  public int[] sortedLatencies(double fromSec, double toSec) {
    return Arrays.stream(indicesIn(fromSec, toSec)).map(i -> latencyUs[i]).sorted().toArray();
  }

  private int[] indicesIn(double fromSec, double toSec) {
    return java.util.stream.IntStream.range(0, atSec.length)
        .filter(i -> atSec[i] >= fromSec && atSec[i] < toSec)
        .toArray();
  }

  /** Nearest rank, as {@code LatencySamples} computes it, so the demo and the report agree. */
  static long percentile(int[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
