package io.rtm.operators.join;

import java.util.function.LongUnaryOperator;
import org.apache.spark.sql.execution.streaming.operators.stateful.join.StreamingSymmetricHashJoinHelper$;
import scala.Option;
import scala.Tuple2;

/**
 * A stream-stream join's output watermark: the lowest event time a row it has yet to emit can carry,
 * as a function of the input watermark it evicted by. A row stays in the join's state while its time
 * is above its side's state watermark (for a time-range condition, the input watermark minus the
 * condition's slack, e.g. {@code r_ts <= l_ts + 1 second} keeps left rows one second behind), and
 * both a match of a stored row and an unmatched outer row leave with that row's time, so the next
 * stateful operator must not see a watermark above the lower state watermark. Spark 4.2.0's
 * {@code StreamingSymmetricHashJoinExec.produceOutputWatermark} gives the next operator
 * min(left state watermark, right state watermark, input watermark); this computes the same from
 * Spark's own state watermark analysis of the condition
 * ({@code StreamingSymmetricHashJoinHelper.getStateWatermark}, the one the eviction predicates come from).
 */
final class JoinOutputWatermark implements LongUnaryOperator {
  private final StreamJoinSpec spec;

  JoinOutputWatermark(StreamJoinSpec spec) {
    this.spec = spec;
  }

  @Override
  public long applyAsLong(long inputWatermarkMs) {
    if (inputWatermarkMs == Long.MIN_VALUE || inputWatermarkMs == Long.MAX_VALUE) {
      return inputWatermarkMs; // none yet / every producer idle: no slack to take from it
    }
    // Lenient about several event-time columns per side, as the eviction predicates are
    // (StreamJoinOperator passes useFirstEventTimeColumn = true).
    Tuple2<Option<Object>, Option<Object>> states = StreamingSymmetricHashJoinHelper$.MODULE$.getStateWatermark(
        spec.leftOutput(), spec.rightOutput(), spec.leftKeys(), spec.rightKeys(), spec.full(),
        Option.apply((Object) inputWatermarkMs), true);
    long out = inputWatermarkMs;
    if (states._1().isDefined()) {
      out = Math.min(out, (Long) states._1().get());
    }
    if (states._2().isDefined()) {
      out = Math.min(out, (Long) states._2().get());
    }
    return out;
  }
}
