package io.rtm.operators.eventtime;

import io.rtm.operators.EpochOutput;
import java.util.concurrent.TimeUnit;

/**
 * Sends the task's watermark downstream as it rises: after the row that raised it (so that row is
 * never late for the watermark it caused, channels being FIFO), at most once per
 * {@link #MIN_INTERVAL_NANOS} while rows stream, and always before an epoch's barrier.
 *
 * <p>The idle rule: consumers take the minimum over producers, so a source partition without data
 * would hold every window open forever. A stage with a watermark operator whose rows stopped for
 * the idle timeout declares itself idle at an epoch end (it sends {@code Long.MAX_VALUE}, which
 * consumers leave out of the minimum) and sends its real watermark again with its next row; rows
 * it then brings that are behind the consumers' watermark are late, as in Flink's idleness. Owned
 * by the task thread.
 */
public final class WatermarkForwarder {
  /** Bounds watermark events to 1,000/s per channel however fast rows flow. */
  private static final long MIN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final TaskEventTime eventTime;
  private final EpochOutput out;
  private final long idleTimeoutNanos;
  private long lastSentMs = Long.MIN_VALUE;
  private long lastSentNanos;
  private boolean idle;

  /** @param idleTimeoutMs negative when the stage has no watermark operator (never idle) */
  public WatermarkForwarder(TaskEventTime eventTime, EpochOutput out, long idleTimeoutMs) {
    this.eventTime = eventTime;
    this.out = out;
    this.idleTimeoutNanos = idleTimeoutMs < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
  }

  public void afterRow() throws Exception {
    if (idle && eventTime.lastObservedNanos() > lastSentNanos) {
      idle = false;
      lastSentMs = Long.MIN_VALUE;
    }
    long wm = eventTime.forwardableMs();
    if (wm > lastSentMs) {
      long now = System.nanoTime();
      if (now - lastSentNanos >= MIN_INTERVAL_NANOS) {
        send(wm, now);
      }
    }
  }

  /**
   * A holding operator released a watermark ({@link TaskEventTime#released()}) while reading its
   * input: send it now, not after the next row, so downstream windows close without waiting for
   * one. Not throttled: releases follow the input's own (throttled) watermark rises.
   */
  public void afterRelease() throws Exception {
    long wm = eventTime.forwardableMs();
    if (!idle && wm > lastSentMs) {
      send(wm, System.nanoTime());
    }
  }

  /**
   * At an epoch end every operator has emitted what the watermark made due: the full watermark goes
   * (for a join, its output watermark of the full watermark: {@link TaskEventTime#epochEndMs()}).
   */
  public void atEpochEnd() throws Exception {
    long now = System.nanoTime();
    if (idleTimeoutNanos >= 0 && !idle && now - eventTime.lastObservedNanos() >= idleTimeoutNanos) {
      idle = true;
      send(Long.MAX_VALUE, now);
      return;
    }
    afterRow();
    long wm = eventTime.epochEndMs();
    if (!idle && wm > lastSentMs) {
      send(wm, now);
    }
  }

  private void send(long wm, long now) throws Exception {
    out.watermark(wm);
    lastSentMs = wm;
    lastSentNanos = now;
  }
}
