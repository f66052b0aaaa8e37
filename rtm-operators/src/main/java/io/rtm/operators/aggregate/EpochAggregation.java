package io.rtm.operators.aggregate;

import io.rtm.operators.eventtime.TaskEventTime;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.UnsafeRowPair;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One record's aggregation: read its group's buffer from the epoch's state store, update it with the
 * record, write the buffer back, and emit the group's new result (update mode).
 *
 * <p>Over a watermarked stream, late records are dropped and a group whose event time falls to the
 * watermark is final: it leaves the state, and in append mode that is when its result is emitted,
 * as soon as the in-band watermark passes it (not at an epoch end). {@code byEventTime} indexes
 * groups by event time so closing them costs only the closed groups; it is bounded and rebuilt from
 * the state store by a scan when the watermark passes what it holds ({@link EventTimeIndex}), so a
 * restarted query closes restored groups too.
 */
final class EpochAggregation implements EpochStatefulTask.RowOperator {
  private final RowAggregator aggregator;
  private final AggregationBuffers buffers;
  private final InternalRow working;
  private final TaskEventTime eventTime;
  private final EventTimeSpec spec;
  private final UnsafeProjection keyTime;
  private final EventTimeIndex byEventTime;
  private long closedUpTo = Long.MIN_VALUE;
  private long rowsUpdated;
  private long rowsRemoved;
  private final SQLMetric droppedByWatermark;

  EpochAggregation(RowAggregator aggregator, EpochStateStores stores, TaskEventTime eventTime, EventTimeSpec spec,
      Seq<Attribute> input, Seq<Attribute> keys, SQLMetric droppedByWatermark) {
    this.droppedByWatermark = droppedByWatermark;
    this.aggregator = aggregator;
    this.buffers = new AggregationBuffers(aggregator.functions(), stores.valueSchema());
    this.working = buffers.newWorking();
    this.eventTime = eventTime;
    this.spec = spec;
    this.byEventTime = new EventTimeIndex(stores.timeIndexEntries());
    this.keyTime = spec == null ? null
        : UnsafeProjection.create(CollectionConverters.asScala(List.of(spec.keyEventTime())).toSeq(), keys);
  }

  @Override
  public void process(InternalRow row, StateStore store, Deque<InternalRow> out) {
    UnsafeRow key = aggregator.keyOf(row);
    long groupTime = Long.MIN_VALUE;
    if (keyTime != null) {
      groupTime = millis(keyTime.apply(key));
      if (groupTime <= eventTime.watermarkMs()) {
        droppedByWatermark.add(1L);
        return;
      }
    }
    UnsafeRow stored = store.get(key, StateStore.DEFAULT_COL_FAMILY_NAME());
    if (stored == null) {
      aggregator.initialize(working);
      if (keyTime != null) {
        byEventTime.add(groupTime, key);
      }
    } else {
      buffers.load(stored, working);
    }
    aggregator.update(working, row);
    if (spec == null || !spec.appendMode()) {
      out.add(aggregator.result(key, working).copy());
    }
    store.put(key, buffers.store(working), StateStore.DEFAULT_COL_FAMILY_NAME());
    rowsUpdated++;
    if (keyTime != null) {
      closeFinalGroups(store, out);
    }
  }

  @Override
  public void onWatermark(StateStore store, Deque<InternalRow> out) {
    if (keyTime != null) {
      closeFinalGroups(store, out);
    }
  }

  @Override
  public void beforeCommit(StateStore store, Deque<InternalRow> out) {
    onWatermark(store, out);
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

  /** Spark's name for the operator that saves aggregation state. */
  @Override
  public String progressName() {
    return "stateStoreSave";
  }

  private void closeFinalGroups(StateStore store, Deque<InternalRow> out) {
    long watermark = eventTime.watermarkMs();
    if (watermark <= closedUpTo) {
      return;
    }
    closedUpTo = watermark;
    byEventTime.releaseUpTo(watermark, entry -> {
      Iterator<UnsafeRowPair> it = CollectionConverters.asJava(store.iterator(StateStore.DEFAULT_COL_FAMILY_NAME()));
      while (it.hasNext()) {
        UnsafeRow key = it.next().key();
        entry.accept(millis(keyTime.apply(key)), key);
      }
    }, key -> {
      UnsafeRow stored = store.get(key, StateStore.DEFAULT_COL_FAMILY_NAME());
      if (stored == null) {
        return;
      }
      if (spec.appendMode()) {
        buffers.load(stored, working);
        out.add(aggregator.result(key, working).copy());
      }
      store.remove(key, StateStore.DEFAULT_COL_FAMILY_NAME());
      rowsRemoved++;
    });
  }

  private static long millis(InternalRow timestampMicros) {
    return timestampMicros.isNullAt(0) ? Long.MIN_VALUE : Math.floorDiv(timestampMicros.getLong(0), 1000L);
  }
}
