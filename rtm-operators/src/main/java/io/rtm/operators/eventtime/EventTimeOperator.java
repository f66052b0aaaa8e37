package io.rtm.operators.eventtime;

/**
 * A real-time stateful operator that acts on the watermark itself (closes windows, forgets keys),
 * so the stage planner lets it read the shuffle directly and hands it {@link WatermarkTick}s.
 */
public interface EventTimeOperator {
  boolean closesByEventTime();
}
