package io.rtm.operators.eventtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongUnaryOperator;

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
 * <p>An operator's output watermark can also be lower than the watermark it evicted by: a
 * stream-stream join with a time-range condition keeps (and may still emit) rows up to its state
 * watermark, the input watermark minus the condition's slack. Such an operator holds with its
 * {@linkplain #holdForwarding(LongUnaryOperator) output watermark function}, and what goes
 * downstream is that function of the released watermark, as Spark's micro-batch engine gives the
 * next operator {@code produceOutputWatermark(inputWatermark)} of the one before (Spark 4.2.0
 * {@code WatermarkPropagator}). One holding operator per task: {@code SameStageChains} refuses a
 * second event-time operator in the stage of one that emits on the watermark.
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
  /** The holding operator's output watermark, given the input watermark whose due rows it emitted. */
  private LongUnaryOperator outputWatermark = LongUnaryOperator.identity();
  private long releasedOutputMs = Long.MIN_VALUE;
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
    holdForwarding(LongUnaryOperator.identity());
  }

  /**
   * Like {@link #holdForwarding()}, for an operator whose output watermark is lower than its input
   * watermark: downstream sees {@code outputWatermark} of the released watermark. The function must
   * not decrease as its argument rises; it is called once per release and once per epoch end, not
   * per row, since it may analyse expressions.
   */
  public void holdForwarding(LongUnaryOperator outputWatermark) {
    holdsForwarding = true;
    this.outputWatermark = outputWatermark;
  }

  /**
   * Called by a holding operator when everything the current watermark made due was emitted and it
   * is about to read its input: downstream may now see this watermark.
   */
  public void released() {
    released(watermarkMs());
  }

  /**
   * Called by a holding operator that has emitted everything due at {@code inputWatermarkMs} (at
   * most this task's watermark: an operator that evicts less often than the watermark rises releases
   * the watermark it last evicted by).
   */
  public void released(long inputWatermarkMs) {
    if (inputWatermarkMs > releasedMs) {
      releasedMs = inputWatermarkMs;
      releasedOutputMs = outputOf(inputWatermarkMs);
      if (onRelease != null) {
        onRelease.run();
      }
    }
  }

  private long outputOf(long inputWatermarkMs) {
    return inputWatermarkMs == Long.MIN_VALUE ? Long.MIN_VALUE : outputWatermark.applyAsLong(inputWatermarkMs);
  }

  /** Run on the task thread after each release, so the released watermark need not wait for a row. */
  public void onRelease(Runnable listener) {
    this.onRelease = listener;
  }

  /** The watermark downstream stages may see now (all rows it made due are already in the output). */
  public long forwardableMs() {
    return holdsForwarding ? releasedOutputMs : watermarkMs();
  }

  /**
   * The watermark downstream may see at an epoch end, when every operator has emitted what this
   * task's watermark made due: the task's watermark, or the holding operator's output watermark of it.
   */
  public long epochEndMs() {
    long wm = watermarkMs();
    return holdsForwarding ? outputOf(wm) : wm;
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
