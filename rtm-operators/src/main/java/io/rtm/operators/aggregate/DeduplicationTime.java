package io.rtm.operators.aggregate;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Expression;

/**
 * Event time of a deduplication over a watermarked stream, as Spark 4.2.0's
 * {@code StreamingDeduplicateExec} and {@code StreamingDeduplicateWithinWatermarkExec} define it.
 *
 * @param rowTime over the input row, in microseconds (a window's end for a window column): a row at
 *     or below the watermark is late and dropped
 * @param keyTime over the key, in microseconds, or null: {@code dropDuplicates} whose columns include
 *     the event-time column forgets a key once this falls to the watermark; without it keys stay
 * @param withinWatermarkDelayMs for {@code dropDuplicatesWithinWatermark}: a key is remembered until
 *     its first row's event time plus this delay falls to the watermark; negative otherwise
 */
public record DeduplicationTime(Expression rowTime, Expression keyTime, long withinWatermarkDelayMs)
    implements Serializable {

  public boolean withinWatermark() {
    return withinWatermarkDelayMs >= 0;
  }

  /** Whether keys leave the state as the watermark rises (so the operator wants watermark ticks). */
  public boolean evicts() {
    return keyTime != null || withinWatermark();
  }
}
