package io.rtm.operators.eventtime;

/**
 * A real-time stateful operator that acts on the watermark itself (closes windows, forgets keys),
 * so the stage planner lets it read the shuffle directly and hands it {@link WatermarkTick}s.
 */
public interface EventTimeOperator {
  boolean closesByEventTime();

  /**
   * Whether it emits rows because the watermark passed them (append-mode windows, sessions), after
   * the watermark rose: another event-time operator of the same task would find them late.
   */
  default boolean emitsOnWatermark() {
    return false;
  }

  /**
   * Whether it drops rows at or below the watermark as late, so rows of an operator below it in the
   * same task that are older than the task's watermark would be lost.
   */
  default boolean dropsLateRows() {
    return closesByEventTime();
  }
}
