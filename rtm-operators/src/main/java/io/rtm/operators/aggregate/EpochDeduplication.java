package io.rtm.operators.aggregate;

import io.rtm.operators.eventtime.TaskEventTime;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.optimizer.NormalizeFloatingNumbers$;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.UnsafeRowPair;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One row's deduplication: the first row of a key leaves at once and the key is remembered; later
 * rows of a remembered key are dropped. Over a watermarked stream late rows are dropped (and
 * counted) first, and keys leave the state as the in-band watermark passes them, row by row and on
 * watermark ticks, not at epoch ends: {@code dropDuplicates} with the event-time column among its
 * columns forgets a key when its event time falls to the watermark,
 * {@code dropDuplicatesWithinWatermark} when its first row's event time plus the delay does.
 */
final class EpochDeduplication implements EpochStatefulTask.RowOperator {
  private static final String STATE = StateStore.DEFAULT_COL_FAMILY_NAME();

  private final UnsafeProjection keyOf;
  private final UnsafeProjection rowTime;
  private final UnsafeProjection keyTime;
  private final DeduplicationTime time;
  private final TaskEventTime eventTime;
  private final SQLMetric droppedByWatermark;
  private final UnsafeRow value;
  private final EventTimeIndex index;
  private long releasedUpTo = Long.MIN_VALUE;
  private long rowsUpdated;
  private long rowsRemoved;

  /** @param time null without a watermark */
  @SuppressWarnings({"unchecked", "rawtypes"})
  EpochDeduplication(Seq<Attribute> keys, Seq<Attribute> input, DeduplicationTime time, StructType valueSchema,
      TaskEventTime eventTime, SQLMetric droppedByWatermark, int timeIndexEntries) {
    this.index = new EventTimeIndex(timeIndexEntries);
    // Spark normalizes NaN and -0.0 in keys so that equal values have equal bytes; so do we.
    List<Expression> normalized = CollectionConverters.asJava(keys).stream()
        .map(k -> NormalizeFloatingNumbers$.MODULE$.normalize(k)).toList();
    this.keyOf = UnsafeProjection.create(CollectionConverters.asScala(normalized).toSeq(), input);
    this.time = time;
    this.rowTime = time == null ? null
        : UnsafeProjection.create(CollectionConverters.asScala(List.of(time.rowTime())).toSeq(), input);
    this.keyTime = time == null || time.keyTime() == null ? null
        : UnsafeProjection.create(CollectionConverters.asScala(List.of(time.keyTime())).toSeq(), (Seq) keys);
    this.eventTime = eventTime;
    this.droppedByWatermark = droppedByWatermark;
    this.value = UnsafeProjection.create(valueSchema).apply(new GenericInternalRow(valueSchema.size())).copy();
  }

  @Override
  public void process(InternalRow row, StateStore store, Deque<InternalRow> out) {
    long watermark = eventTime.watermarkMicros();
    long rowMicros = 0L;
    if (rowTime != null) {
      InternalRow t = rowTime.apply(row);
      if (!t.isNullAt(0)) {
        rowMicros = t.getLong(0);
        if (rowMicros <= watermark) {
          droppedByWatermark.add(1L);
          return;
        }
      }
      release(store, watermark);
    }
    UnsafeRow key = keyOf.apply(row);
    if (store.get(key, STATE) != null) {
      return;
    }
    if (time != null && time.withinWatermark()) {
      long expiresAt = rowMicros + time.withinWatermarkDelayMs() * 1000L;
      value.setLong(0, expiresAt);
      store.put(key, value, STATE);
      rowsUpdated++;
      index.add(expiresAt, key);
    } else {
      store.put(key, value, STATE);
      rowsUpdated++;
      if (keyTime != null) {
        InternalRow t = keyTime.apply(key);
        if (!t.isNullAt(0)) { // a key without event time stays, as in Spark (null <= watermark is not true)
          index.add(t.getLong(0), key);
        }
      }
    }
    out.add(row.copy());
  }

  @Override
  public void onWatermark(StateStore store, Deque<InternalRow> out) {
    if (time != null && time.evicts()) {
      release(store, eventTime.watermarkMicros());
    }
  }

  @Override
  public void beforeCommit(StateStore store, Deque<InternalRow> out) {
    onWatermark(store, out);
  }

  private void release(StateStore store, long watermark) {
    if (!time.evicts() || watermark <= releasedUpTo) {
      return;
    }
    releasedUpTo = watermark;
    index.releaseUpTo(watermark, entry -> {
      Iterator<UnsafeRowPair> it = CollectionConverters.asJava(store.iterator(STATE));
      while (it.hasNext()) {
        UnsafeRowPair pair = it.next();
        if (time.withinWatermark()) {
          entry.accept(pair.value().getLong(0), pair.key());
        } else {
          InternalRow t = keyTime.apply(pair.key());
          if (!t.isNullAt(0)) {
            entry.accept(t.getLong(0), pair.key());
          }
        }
      }
    }, key -> {
      store.remove(key, STATE);
      rowsRemoved++;
    });
  }

  @Override
  public long rowsUpdated() {
    return rowsUpdated;
  }

  @Override
  public long rowsRemoved() {
    return rowsRemoved;
  }

  @Override
  public long lateRowsDropped() {
    return droppedByWatermark.value();
  }

  /** Spark's name for the operator that saves this state. */
  @Override
  public String progressName() {
    return "dedupe";
  }
}
