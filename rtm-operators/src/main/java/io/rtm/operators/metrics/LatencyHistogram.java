package io.rtm.operators.metrics;

import java.util.Arrays;

/**
 * Latencies in microseconds, counted in a fixed array of log-linear buckets: values below 64 have a
 * bucket each, larger ones share a bucket with the values that agree in their 6 leading bits, so a
 * percentile is off by at most 1/32 (about 3 %) of its value. Memory is fixed (about 9 KB) whatever
 * the rate, recording is an array increment (no allocation, no lock), and two histograms merge by
 * adding their arrays, which is what per-task histograms of one epoch need on the driver.
 *
 * <p>Not thread-safe: one writer (the task thread), snapshots taken by that thread.
 */
public final class LatencyHistogram {
  private static final int SUB_BITS = 5;
  private static final int SUB_BUCKETS = 1 << SUB_BITS;
  private static final int LINEAR = 2 * SUB_BUCKETS;
  /** Values up to 2^41 us (about 25 days); larger ones land in the last bucket (max stays exact). */
  private static final int MAX_EXPONENT = 41;
  static final int BUCKETS = LINEAR + (MAX_EXPONENT - SUB_BITS) * SUB_BUCKETS;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long max;

  /** Counts one latency; negative values (clocks of producer and executor apart) count as 0. */
  public void record(long micros) {
    long v = Math.max(0, micros);
    counts[bucketOf(v)]++;
    count++;
    if (v > max) {
      max = v;
    }
  }

  static int bucketOf(long v) {
    if (v < LINEAR) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v);
    if (exponent > MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1);
    return LINEAR + (exponent - SUB_BITS - 1) * SUB_BUCKETS + sub;
  }

  /** The largest value a bucket holds. */
  static long upperBound(int bucket) {
    if (bucket < LINEAR) {
      return bucket;
    }
    int exponent = (bucket - LINEAR) / SUB_BUCKETS + SUB_BITS + 1;
    long sub = (bucket - LINEAR) % SUB_BUCKETS;
    long lower = (1L << exponent) | (sub << (exponent - SUB_BITS));
    return lower + (1L << (exponent - SUB_BITS)) - 1;
  }

  public long count() {
    return count;
  }

  /** The exact largest value recorded, 0 when empty. */
  public long maxMicros() {
    return max;
  }

  /**
   * The value at quantile {@code q} (0..1): the upper bound of the bucket holding the rank
   * ceil(q * count), never above the exact maximum; 0 when empty.
   */
  public long percentileMicros(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return Math.min(upperBound(b), max);
      }
    }
    return max;
  }

  public void merge(LatencyHistogram other) {
    for (int b = 0; b < BUCKETS; b++) {
      counts[b] += other.counts[b];
    }
    count += other.count;
    max = Math.max(max, other.max);
  }

  public void reset() {
    if (count > 0) {
      Arrays.fill(counts, 0);
      count = 0;
      max = 0;
    }
  }

  public LatencyHistogram copy() {
    LatencyHistogram c = new LatencyHistogram();
    c.merge(this);
    return c;
  }

  /** Sparse text form, {@code max;bucket:count,bucket:count}; "" when empty. */
  public String encode() {
    if (count == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder().append(max).append(';');
    boolean first = true;
    for (int b = 0; b < BUCKETS; b++) {
      if (counts[b] != 0) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(b).append(':').append(counts[b]);
      }
    }
    return sb.toString();
  }

  public static LatencyHistogram decode(String s) {
    LatencyHistogram h = new LatencyHistogram();
    if (s.isEmpty()) {
      return h;
    }
    int semi = s.indexOf(';');
    h.max = Long.parseLong(s.substring(0, semi));
    for (String pair : s.substring(semi + 1).split(",")) {
      int colon = pair.indexOf(':');
      int bucket = Integer.parseInt(pair.substring(0, colon));
      long n = Long.parseLong(pair.substring(colon + 1));
      if (bucket < 0 || bucket >= BUCKETS || n < 0) {
        throw new IllegalArgumentException("Bad latency histogram bucket " + pair);
      }
      h.counts[bucket] += n;
      h.count += n;
    }
    return h;
  }
}
