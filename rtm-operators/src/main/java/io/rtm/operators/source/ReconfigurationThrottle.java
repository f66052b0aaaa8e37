package io.rtm.operators.source;

import java.util.function.LongSupplier;

/**
 * Decides when a source is asked again whether its partitions changed. Spark's continuous engine
 * asks at every epoch; at ten epochs a second the answer (for Kafka: a topic listing and a
 * latest-offsets request) costs far more than it can be worth, since partitions are added by hand.
 * A "no" is remembered for the interval; a "yes" is never held back, as it restarts the run.
 *
 * <p>Called by Spark's epoch update thread only (one thread), so it is not synchronized.
 */
final class ReconfigurationThrottle {
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private long nextCheckNanos;
  private boolean checkedOnce;

  ReconfigurationThrottle(long intervalMs, LongSupplier nanoClock) {
    this.intervalNanos = Math.multiplyExact(intervalMs, 1_000_000L);
    this.nanoClock = nanoClock;
  }

  /** Whether the source must be asked now; if so the next ask is due one interval later. */
  boolean due() {
    long now = nanoClock.getAsLong();
    if (checkedOnce && now - nextCheckNanos < 0) {
      return false;
    }
    checkedOnce = true;
    nextCheckNanos = now + intervalNanos;
    return true;
  }
}
