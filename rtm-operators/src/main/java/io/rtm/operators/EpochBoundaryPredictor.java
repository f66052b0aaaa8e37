package io.rtm.operators;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides when a source task next asks the driver for the current epoch.
 *
 * <p>Why: source tasks learn that an epoch ended by polling, each on its own schedule, so they emit
 * the epoch's barrier at different moments. A consumer aligning barriers blocks the channel whose
 * barrier came first until the last one arrives: polling every {@code coarse} ms makes that stall
 * up to {@code coarse} ms at every boundary. Spark fires continuous triggers at multiples of the
 * interval, so boundaries are predictable: this polls every {@code fine} ms just around the
 * predicted boundary and every {@code coarse} ms elsewhere, which narrows the skew between source
 * tasks to about {@code fine} ms at roughly the same number of driver calls.
 *
 * <p>The interval is learned from observed changes: the smallest of the recent gaps (a late trigger
 * only makes gaps longer). Until two changes were seen, or when a boundary is overdue, polling is
 * coarse. Owned by the polling thread.
 */
final class EpochBoundaryPredictor {
  private static final int GAPS_KEPT = 8;

  private final long coarseMs;
  private final long fineMs;
  private final Deque<Long> gaps = new ArrayDeque<>();
  private long lastChangeMs = -1;

  EpochBoundaryPredictor(long coarseMs) {
    this.coarseMs = Math.max(1, coarseMs);
    this.fineMs = Math.max(1, this.coarseMs / 10);
  }

  /** The poll at {@code nowMs} saw a new epoch. */
  void epochChanged(long nowMs) {
    if (lastChangeMs >= 0 && nowMs > lastChangeMs) {
      gaps.addLast(nowMs - lastChangeMs);
      if (gaps.size() > GAPS_KEPT) {
        gaps.removeFirst();
      }
    }
    lastChangeMs = nowMs;
  }

  /** The estimated time between epochs, or -1 while unknown. */
  long intervalMs() {
    long min = Long.MAX_VALUE;
    for (long gap : gaps) {
      min = Math.min(min, gap);
    }
    return gaps.isEmpty() ? -1 : min;
  }

  /** How long to wait, after a poll at {@code nowMs}, before the next one. */
  long nextPollDelayMs(long nowMs) {
    long interval = intervalMs();
    if (interval < 0 || interval <= 2 * coarseMs) {
      return interval < 0 ? coarseMs : fineMs; // short epochs: stay fine all the time
    }
    long predicted = lastChangeMs + interval;
    long windowStart = predicted - coarseMs / 2;
    if (nowMs < windowStart) {
      return Math.min(coarseMs, windowStart - nowMs);
    }
    if (nowMs <= predicted + coarseMs) {
      return fineMs;
    }
    return coarseMs; // overdue: the trigger is late, no point in polling finely
  }
}
