package io.rtm.operators.eventtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event-time watermark as one long-lived task sees it.
 *
 * <p>Two sources feed it: the {@code withWatermark} operator of this task's own stage (the maximum
 * event time it saw, minus the delay) and the watermark that arrives in-band through the task's
 * shuffle input (the minimum over the upstream producers, not counting producers that declared
 * themselves idle). The task's watermark is the larger of the two; it never goes back.
 *
 * <p>What the task forwards downstream can lag behind it: a stateful operator that emits rows
 * because the watermark passed them (closed windows and sessions in append mode, unmatched outer
 * join rows) emits them <em>after</em> the watermark rose, and a downstream stateful operator would
 * drop them as late if the new watermark overtook them in the channel. Such an operator
 * {@linkplain #holdForwarding() holds} the forwarded watermark, and {@linkplain #released() releases}
 * it each time it has emitted everything the current watermark made due, just before it reads its
 * input again. Spark's micro-batch engine gets the same effect from two watermarks per batch (late
 * rows judged against the previous batch's, eviction by the current one).
 *
 * <p>Owned by the task thread; looked up by task attempt id because Spark's operators of the stage
 * run on that thread but are built without a handle to the stage task.
 */
public final class TaskEventTime {
  private static final Map<Long, TaskEventTime> BY_TASK = new ConcurrentHashMap<>();

  private long maxEventTimeMs = Long.MIN_VALUE;
  private long delayMs;
  private boolean tracksEventTime;
  private long inputWatermarkMs = Long.MIN_VALUE;
  private long lastObservedNanos = System.nanoTime();
  private boolean holdsForwarding;
  private long releasedMs = Long.MIN_VALUE;
  private Runnable onRelease;

  public static TaskEventTime of(long taskAttemptId) {
    return BY_TASK.computeIfAbsent(taskAttemptId, k -> new TaskEventTime());
  }

  public static void forget(long taskAttemptId) {
    BY_TASK.remove(taskAttemptId);
  }

  /** Called by this stage's watermark operator for every row. */
  public void observe(long eventTimeMs, long delayMs) {
    this.tracksEventTime = true;
    this.delayMs = delayMs;
    this.lastObservedNanos = System.nanoTime();
    if (eventTimeMs > maxEventTimeMs) {
      maxEventTimeMs = eventTimeMs;
    }
  }

  /** Called by the shuffle input when an upstream watermark arrives. */
  public void inputWatermark(long watermarkMs) {
    if (watermarkMs > inputWatermarkMs) {
      inputWatermarkMs = watermarkMs;
    }
  }

  /** The watermark of this task, Long.MIN_VALUE while there is none. */
  public long watermarkMs() {
    long local = tracksEventTime && maxEventTimeMs != Long.MIN_VALUE ? maxEventTimeMs - delayMs : Long.MIN_VALUE;
    return Math.max(local, inputWatermarkMs);
  }

  /**
   * The watermark in microseconds, the unit of Catalyst timestamps that state keys and session
   * bounds carry; Long.MIN_VALUE while there is none, saturated rather than overflowing.
   */
  public long watermarkMicros() {
    long ms = watermarkMs();
    if (ms == Long.MIN_VALUE) {
      return Long.MIN_VALUE;
    }
    return ms >= Long.MAX_VALUE / 1000L ? Long.MAX_VALUE : ms * 1000L;
  }

  /** An operator of this task emits rows once the watermark passed them: forward only what it released. */
  public void holdForwarding() {
    holdsForwarding = true;
  }

  /**
   * Called by a holding operator when everything the current watermark made due was emitted and it
   * is about to read its input: downstream may now see this watermark.
   */
  public void released() {
    long wm = watermarkMs();
    if (wm > releasedMs) {
      releasedMs = wm;
      if (onRelease != null) {
        onRelease.run();
      }
    }
  }

  /** Run on the task thread after each release, so the released watermark need not wait for a row. */
  public void onRelease(Runnable listener) {
    this.onRelease = listener;
  }

  /** The watermark downstream stages may see now (all rows it made due are already in the output). */
  public long forwardableMs() {
    return holdsForwarding ? releasedMs : watermarkMs();
  }

  /** When this stage's watermark operator last saw a row (or the task started). */
  public long lastObservedNanos() {
    return lastObservedNanos;
  }

  /** Whether this stage computes a watermark that downstream stages need. */
  public boolean tracksEventTime() {
    return tracksEventTime;
  }
}
