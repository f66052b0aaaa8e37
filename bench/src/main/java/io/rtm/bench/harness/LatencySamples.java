package io.rtm.bench.harness;

import java.util.Arrays;

/**
 * (arrival time, latency) pairs in fixed-size primitive arrays: 8 bytes a sample, no boxing, and
 * exact percentiles over any arrival-time window. Samples past the capacity are counted but not
 * kept, so memory stays bounded however long a benchmark runs.
 *
 * <p>Arrival times are stored as milliseconds after the first sample, latencies as microseconds
 * (clamped to int range, about 35 minutes).
 */
public final class LatencySamples {
  private final int[] arrivalMs;
  private final int[] latencyUs;
  private int size;
  private long dropped;
  private long firstArrivalUs = Long.MIN_VALUE;

  public LatencySamples(int capacity) {
    this.arrivalMs = new int[capacity];
    this.latencyUs = new int[capacity];
  }

  /** Adds one sample; both arguments are in microseconds, {@code arrivalUs} since the epoch. */
  public synchronized void add(long arrivalUs, long latencyUs) {
    if (firstArrivalUs == Long.MIN_VALUE) {
      firstArrivalUs = arrivalUs;
    }
    if (size == arrivalMs.length) {
      dropped++;
      return;
    }
    arrivalMs[size] = (int) Math.max(0, (arrivalUs - firstArrivalUs) / 1_000);
    this.latencyUs[size] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, latencyUs));
    size++;
  }

  public synchronized int size() {
    return size;
  }

  /** Epoch microseconds of the first sample's arrival; {@link Long#MIN_VALUE} before any. */
  public synchronized long firstArrivalUs() {
    return firstArrivalUs;
  }

  /** A copy of the kept samples' arrival times, in milliseconds after the first, in order. */
  public synchronized int[] arrivalsMs() {
    return Arrays.copyOf(arrivalMs, size);
  }

  /** A copy of the kept samples' latencies in microseconds, in the order of {@link #arrivalsMs()}. */
  public synchronized int[] latenciesUs() {
    return Arrays.copyOf(latencyUs, size);
  }

  /** Samples that arrived after the arrays were full. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Summary of every kept sample. */
  public LatencySummary summary() {
    return summary(java.time.Duration.ZERO, null);
  }

  /**
   * Summary of the samples that arrived in [{@code first + warmup}, {@code first + warmup +
   * window}), where {@code first} is the first sample's arrival; a null window runs to the last
   * sample. Throughput is the window's sample count over the window's length (or, for an open
   * window, over the span to the last arrival).
   */
  public synchronized LatencySummary summary(java.time.Duration warmup, java.time.Duration window) {
    long fromMs = warmup.toMillis();
    long toMs = window == null ? Long.MAX_VALUE : fromMs + window.toMillis();
    int[] selected = new int[size];
    int count = 0;
    long lastMs = fromMs;
    for (int i = 0; i < size; i++) {
      if (arrivalMs[i] >= fromMs && arrivalMs[i] < toMs) {
        selected[count++] = latencyUs[i];
        lastMs = Math.max(lastMs, arrivalMs[i]);
      }
    }
    int[] sorted = Arrays.copyOf(selected, count);
    Arrays.sort(sorted);
    double seconds = (window == null ? lastMs - fromMs : window.toMillis()) / 1000.0;
    return new LatencySummary(
        count,
        percentile(sorted, 50),
        percentile(sorted, 90),
        percentile(sorted, 99),
        percentile(sorted, 99.9),
        count == 0 ? 0 : sorted[count - 1],
        seconds > 0 ? count / seconds : 0,
        dropped);
  }

  /** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
  static long percentile(int[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    // The epsilon keeps binary rounding (99.9 / 100 * 1000 = 999.0000000000001) from adding a rank.
    int rank = (int) Math.ceil(p / 100.0 * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }
}
