package io.rtm.operators.eventtime;

import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * A row instance that is not data: the shuffle input hands it to an event-time operator sitting
 * directly on it when the in-band watermark rose without a record, so the operator can close
 * windows right away instead of at the next record. Recognised by identity, never forwarded.
 */
public final class WatermarkTick {
  public static final UnsafeRow ROW = new UnsafeRow(0);

  private WatermarkTick() {}

  public static boolean is(Object row) {
    return row == ROW;
  }
}
