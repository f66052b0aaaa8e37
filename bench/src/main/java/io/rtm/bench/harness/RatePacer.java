package io.rtm.bench.harness;

import java.util.concurrent.locks.LockSupport;

/**
 * Releases event {@code i} at {@code start + i / rate}: a fixed schedule, so the long-run rate is
 * exact and a late send does not shift the ones after it. Waits by parking, not spinning, since
 * the generator shares two cores with Spark and Kafka; a send is thus up to ~0.1 ms late.
 */
final class RatePacer {
  private final long startNanos;
  private final double periodNanos;
  private long next;

  RatePacer(double ratePerSec) {
    if (!(ratePerSec > 0)) {
      throw new IllegalArgumentException("rate must be > 0: " + ratePerSec);
    }
    this.periodNanos = 1e9 / ratePerSec;
    this.startNanos = System.nanoTime();
  }

  /** Waits until the next event is due; returns false without waiting past {@code deadline}. */
  boolean awaitNext(long deadlineNanos) {
    long due = startNanos + (long) (next * periodNanos);
    if (due - deadlineNanos > 0) {
      return false;
    }
    long wait;
    while ((wait = due - System.nanoTime()) > 0) {
      LockSupport.parkNanos(wait);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    next++;
    return true;
  }
}
