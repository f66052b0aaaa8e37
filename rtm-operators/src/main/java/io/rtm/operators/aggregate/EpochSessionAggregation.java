package io.rtm.operators.aggregate;

import io.rtm.operators.eventtime.TaskEventTime;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.UnsafeRowPair;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A session-window aggregation row by row (append mode): a record opens the session
 * [event time, event time + gap) that Spark's {@code session_window} column gives it, merges it
 * with every session of its key it overlaps or touches (Spark's {@code MergingSessionsIterator}
 * merges when a session starts at or before the previous one's end), and updates the merged
 * session's buffer. A session whose end falls to the in-band watermark is final: it is emitted once
 * and leaves the state, as the watermark rises, not at epoch ends. A record whose session ends at
 * or below the watermark is late, dropped and counted.
 *
 * <p>State: key = (grouping columns without the session, session start), value = (session end,
 * aggregation buffer in stored form). A record reads its key's sessions from the store by the
 * grouping columns' prefix ({@code prefixScan}; with no grouping column besides the session, every
 * open session is the key's), so nothing per key stays on the heap; the sessions by end are in a
 * bounded {@link EventTimeIndex}.
 */
final class EpochSessionAggregation implements EpochStatefulTask.RowOperator {
  private static final String STATE = StateStore.DEFAULT_COL_FAMILY_NAME();

  private final RowAggregator aggregator;
  private final BufferMerger merger;
  private final AggregationBuffers buffers;
  private final InternalRow working;
  private final TaskEventTime eventTime;
  private final SQLMetric droppedByWatermark;
  private final UnsafeProjection sessionOf;
  private final UnsafeProjection groupOf;
  private final int groupFields;
  private final DataType[] groupTypes;
  private final FieldReader groupReader;
  private final UnsafeProjection toStateKey;
  private final UnsafeProjection toStateValue;
  private final UnsafeProjection toGroupingKey;
  private final UnsafeProjection bufferOf;
  private final int sessionPosition;
  private final EventTimeIndex byEnd;
  private long closedUpTo = Long.MIN_VALUE;
  private long rowsUpdated;
  private long rowsRemoved;

  /**
   * @param session the session window column among the input attributes
   * @param groupsWithoutSession the other grouping columns, attributes of the input
   * @param groupingSchema schema of all grouping columns as the aggregator's key (session included)
   * @param sessionPosition where the session column is among all grouping columns
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  EpochSessionAggregation(RowAggregator aggregator, BufferMerger merger, StructType bufferSchema, Seq<Attribute> input,
      Attribute session, Seq<Attribute> groupsWithoutSession, StructType groupingSchema, int sessionPosition,
      TaskEventTime eventTime, SQLMetric droppedByWatermark, int timeIndexEntries) {
    this.byEnd = new EventTimeIndex(timeIndexEntries);
    this.sessionPosition = sessionPosition;
    this.aggregator = aggregator;
    this.merger = merger;
    this.buffers = new AggregationBuffers(aggregator.functions(), bufferSchema);
    this.working = buffers.newWorking();
    this.eventTime = eventTime;
    this.droppedByWatermark = droppedByWatermark;
    this.sessionOf = UnsafeProjection.create(CollectionConverters.asScala(List.<Expression>of(session)).toSeq(), input);
    this.groupOf = UnsafeProjection.create((Seq) groupsWithoutSession, input);
    List<Attribute> groups = CollectionConverters.asJava(groupsWithoutSession);
    this.groupFields = groups.size();
    this.groupTypes = groups.stream().map(Attribute::dataType).toArray(DataType[]::new);
    this.groupReader = new FieldReader(groupTypes);
    StructType keySchema = new StructType();
    for (Attribute g : groups) {
      keySchema = keySchema.add(g.name(), g.dataType(), g.nullable());
    }
    this.toStateKey = UnsafeProjection.create(keySchema.add("sessionStart", org.apache.spark.sql.types.DataTypes.LongType, false));
    this.toStateValue = UnsafeProjection.create(new StructType().add("sessionEnd", org.apache.spark.sql.types.DataTypes.LongType, false)
        .merge(bufferSchema, true));
    this.toGroupingKey = UnsafeProjection.create(groupingSchema);
    List<Expression> bufferFields = new ArrayList<>();
    for (int i = 0; i < bufferSchema.size(); i++) {
      bufferFields.add(new BoundReference(i + 1, bufferSchema.fields()[i].dataType(), true));
    }
    this.bufferOf = UnsafeProjection.create(CollectionConverters.asScala(bufferFields).toSeq());
  }

  @Override
  public void process(InternalRow row, StateStore store, Deque<InternalRow> out) {
    InternalRow projected = sessionOf.apply(row);
    if (projected.isNullAt(0)) {
      return; // no event time, no session (Spark's session_window filters these out too)
    }
    InternalRow window = projected.getStruct(0, 2);
    long start = window.getLong(0);
    long end = window.getLong(1);
    if (end <= eventTime.watermarkMicros()) {
      droppedByWatermark.add(1L);
      return;
    }
    UnsafeRow group = groupOf.apply(row).copy();
    TreeMap<Long, Long> sessions = sessionsOf(group, store);
    // Sessions of a key never overlap, so by start they are also ordered by end: walk down from the
    // last one starting at or before this session's end while they reach its start.
    List<Map.Entry<Long, Long>> touching = new ArrayList<>();
    for (Map.Entry<Long, Long> s : sessions.headMap(end, true).descendingMap().entrySet()) {
      if (s.getValue() < start) {
        break;
      }
      touching.add(s);
    }
    if (touching.isEmpty()) {
      aggregator.initialize(working);
    } else {
      boolean loaded = false;
      for (Map.Entry<Long, Long> s : touching) {
        UnsafeRow key = stateKey(group, s.getKey());
        UnsafeRow stored = store.get(key, STATE);
        UnsafeRow buffer = bufferOf.apply(stored);
        if (!loaded) {
          buffers.load(buffer.copy(), working);
          loaded = true;
        } else {
          merger.merge(working, buffer);
        }
        store.remove(key, STATE);
        rowsRemoved++;
        start = Math.min(start, s.getKey());
        end = Math.max(end, s.getValue());
      }
    }
    aggregator.update(working, row);
    save(store, group, start, end);
    closeFinalSessions(store, out);
  }

  @Override
  public void onWatermark(StateStore store, Deque<InternalRow> out) {
    closeFinalSessions(store, out);
  }

  @Override
  public void beforeCommit(StateStore store, Deque<InternalRow> out) {
    onWatermark(store, out);
  }

  /** The key's sessions in the state, start to end. */
  private TreeMap<Long, Long> sessionsOf(UnsafeRow group, StateStore store) {
    TreeMap<Long, Long> sessions = new TreeMap<>();
    Iterator<UnsafeRowPair> it = CollectionConverters.asJava(
        groupFields > 0 ? store.prefixScan(group, STATE) : store.iterator(STATE));
    while (it.hasNext()) {
      UnsafeRowPair pair = it.next();
      sessions.put(pair.key().getLong(groupFields), pair.value().getLong(0));
    }
    return sessions;
  }

  private void save(StateStore store, UnsafeRow group, long start, long end) {
    UnsafeRow stored = buffers.store(working);
    GenericInternalRow value = new GenericInternalRow(1 + stored.numFields());
    value.update(0, end);
    for (int i = 0; i < stored.numFields(); i++) {
      value.update(i + 1, buffers.field(stored, i));
    }
    UnsafeRow key = stateKey(group, start).copy();
    store.put(key, toStateValue.apply(value), STATE);
    rowsUpdated++;
    byEnd.add(end, key);
  }

  private void closeFinalSessions(StateStore store, Deque<InternalRow> out) {
    long watermark = eventTime.watermarkMicros();
    if (watermark <= closedUpTo) {
      return;
    }
    closedUpTo = watermark;
    byEnd.releaseUpTo(watermark, entry -> {
      Iterator<UnsafeRowPair> it = CollectionConverters.asJava(store.iterator(STATE));
      while (it.hasNext()) {
        UnsafeRowPair pair = it.next();
        entry.accept(pair.value().getLong(0), pair.key());
      }
    }, key -> {
      UnsafeRow stored = store.get(key, STATE);
      long start = key.getLong(groupFields);
      // A session merged into another, or extended since this entry, is not final at this time.
      if (stored == null || stored.getLong(0) > watermark) {
        return;
      }
      long end = stored.getLong(0);
      UnsafeRow group = groupOf(key);
      buffers.load(bufferOf.apply(stored).copy(), working);
      out.add(aggregator.result(groupingKey(group, start, end), working).copy());
      store.remove(key, STATE);
      rowsRemoved++;
    });
  }

  private UnsafeRow stateKey(UnsafeRow group, long start) {
    GenericInternalRow k = new GenericInternalRow(groupFields + 1);
    for (int i = 0; i < groupFields; i++) {
      k.update(i, groupReader.get(group, i));
    }
    k.update(groupFields, start);
    return toStateKey.apply(k);
  }

  private UnsafeRow groupOf(UnsafeRow stateKey) {
    GenericInternalRow g = new GenericInternalRow(groupFields);
    for (int i = 0; i < groupFields; i++) {
      g.update(i, groupReader.get(stateKey, i));
    }
    return groupProjection().apply(g).copy();
  }

  private UnsafeProjection groupProjection;

  private UnsafeProjection groupProjection() {
    if (groupProjection == null) {
      groupProjection = UnsafeProjection.create(groupTypes);
    }
    return groupProjection;
  }

  /** The aggregator's key: the grouping columns in their order, the merged session in its place. */
  private UnsafeRow groupingKey(UnsafeRow group, long start, long end) {
    GenericInternalRow k = new GenericInternalRow(groupFields + 1);
    for (int i = 0, g = 0; i <= groupFields; i++) {
      if (i == sessionPosition) {
        k.update(i, new GenericInternalRow(new Object[] {start, end}));
      } else {
        k.update(i, groupReader.get(group, g));
        g++;
      }
    }
    return toGroupingKey.apply(k);
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
    return "sessionWindowStateStoreSaveExec";
  }
}
