package io.rtm.operators.metrics;

/**
 * Wall-clock time in microseconds without allocation: {@code System.nanoTime()} offset from a wall
 * clock reading taken at most {@link #RECALIBRATE_NANOS} ago. Kafka's record timestamps are wall
 * clock milliseconds; latencies of a few milliseconds need finer readings than
 * {@code currentTimeMillis()}, and {@code Instant.now()} allocates on the per-record path. Re-basing
 * every second keeps drift against the wall clock (NTP slews it) negligible.
 */
public final class MicroClock {
  private static final long RECALIBRATE_NANOS = 1_000_000_000L;

  private record Base(long wallMicros, long nanos) {}

  private static volatile Base base = new Base(System.currentTimeMillis() * 1000, System.nanoTime());

  private MicroClock() {}

  public static long nowMicros() {
    Base b = base;
    long nanos = System.nanoTime();
    long elapsed = nanos - b.nanos;
    if (elapsed > RECALIBRATE_NANOS) {
      b = new Base(System.currentTimeMillis() * 1000, nanos);
      base = b;
      elapsed = 0;
    }
    return b.wallMicros + elapsed / 1000;
  }
}
