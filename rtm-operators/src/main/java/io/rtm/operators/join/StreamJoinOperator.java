package io.rtm.operators.join;

import io.rtm.operators.aggregate.EventTimeIndex;
import io.rtm.operators.eventtime.TaskEventTime;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BasePredicate;
import org.apache.spark.sql.catalyst.expressions.BindReferences$;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Predicate$;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.logical.EventTimeWatermark$;
import org.apache.spark.sql.execution.streaming.operators.stateful.WatermarkSupport$;
import org.apache.spark.sql.execution.streaming.operators.stateful.join.StreamingSymmetricHashJoinHelper;
import org.apache.spark.sql.execution.streaming.operators.stateful.join.StreamingSymmetricHashJoinHelper$;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.UnsafeRowPair;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One task's stream-stream join, row by row. An arriving row of one side probes the other side's
 * state rows of its key and emits every joined row that passes the condition at once; then it is
 * stored (with whether it matched). When the watermark rises, rows that can no longer match (Spark's
 * own state watermark for each side, from the join condition: {@code StreamingSymmetricHashJoinHelper
 * .getStateWatermarkPredicates}) leave the state, and for an outer join the outer side's rows that
 * never matched are emitted then with nulls, as Spark emits them. Spark's predicate for a side is
 * {@code time <= state watermark}; each side's rows are indexed by that time in a bounded
 * {@link EventTimeIndex}, so an eviction touches only the rows it evicts (and scans the store only
 * when the watermark passes what the index holds).
 *
 * <p>Each pair of rows is matched exactly once: by whichever of the two arrives second. Rows at or
 * below the watermark on arrival are late and dropped, as Spark drops them. Owned by the task thread.
 */
final class StreamJoinOperator {
  /**
   * Working out the state watermarks analyses the join condition; when the watermark rises record
   * by record, evictions run at most this often.
   */
  private static final long MIN_EVICTION_INTERVAL_NANOS = 50_000_000L;

  private final StreamJoinSpec spec;
  private final TaskEventTime eventTime;
  private final int numKeys;
  private final int combinedSize;
  private final int outer;
  private final DataType[] keyTypes;
  private final UnsafeProjection[] sideOf = new UnsafeProjection[2];
  private final BasePredicate[] preFilter = new BasePredicate[2];
  private final BasePredicate postFilter;
  private final UnsafeProjection output;
  private final UnsafeProjection storeKey;
  private final UnsafeProjection prefix;
  private final UnsafeProjection joinKeyOfStoreKey;
  private final UnsafeProjection storeValue;
  private final GenericInternalRow keyHolder;
  private final GenericInternalRow prefixHolder;
  private final GenericInternalRow matchedFlag = new GenericInternalRow(1);
  private final InternalRow[] nullSide = new InternalRow[2];
  private final Attribute[] eventTimeColumn = new Attribute[2];
  private final JoinedRow joined = new JoinedRow();
  /** Per side, the time Spark's state watermark predicate compares (null: the side never leaves). */
  private final UnsafeProjection[] timeOf = new UnsafeProjection[2];
  private final boolean[] timeOnKey = new boolean[2];
  private final EventTimeIndex[] bySide = new EventTimeIndex[2];

  private long predicatesForWatermark = Long.MIN_VALUE;
  private final BasePredicate[] late = new BasePredicate[2];
  private long evictedAtWatermark = Long.MIN_VALUE;
  private long lastEvictionNanos;
  private long sequence;
  private long lateRows;
  private long rowsUpdated;
  private long rowsRemoved;

  StreamJoinOperator(StreamJoinSpec spec, TaskEventTime eventTime, int timeIndexEntries) {
    this.spec = spec;
    this.eventTime = eventTime;
    this.numKeys = spec.numKeys();
    this.outer = spec.outerSide();
    List<Attribute> left = CollectionConverters.asJava(spec.leftOutput());
    List<Attribute> right = CollectionConverters.asJava(spec.rightOutput());
    this.combinedSize = 1 + numKeys + left.size() + right.size();
    keyTypes = new DataType[numKeys];
    List<Expression> keys = CollectionConverters.asJava(spec.leftKeys());
    for (int i = 0; i < numKeys; i++) {
      keyTypes[i] = keys.get(i).dataType();
    }
    sideOf[StreamJoinSpec.LEFT] = columns(left, 1 + numKeys);
    sideOf[StreamJoinSpec.RIGHT] = columns(right, 1 + numKeys + left.size());
    preFilter[StreamJoinSpec.LEFT] = predicate(spec.leftOnly(), spec.leftOutput());
    preFilter[StreamJoinSpec.RIGHT] = predicate(spec.rightOnly(), spec.rightOutput());
    List<Attribute> both = new ArrayList<>(left);
    both.addAll(right);
    postFilter = predicate(spec.bothSides(), seq(both));
    List<Attribute> out = CollectionConverters.asJava(spec.output());
    output = columns(out, 0);
    nullSide[StreamJoinSpec.LEFT] = new GenericInternalRow(left.size());
    nullSide[StreamJoinSpec.RIGHT] = new GenericInternalRow(right.size());
    eventTimeColumn[StreamJoinSpec.LEFT] = eventTimeOf(left);
    eventTimeColumn[StreamJoinSpec.RIGHT] = eventTimeOf(right);

    DataType[] keyRow = new DataType[numKeys + 2];
    DataType[] prefixRow = new DataType[numKeys + 1];
    keyRow[0] = DataTypes.IntegerType;
    prefixRow[0] = DataTypes.IntegerType;
    List<Expression> joinKeyOfKey = new ArrayList<>();
    for (int i = 0; i < numKeys; i++) {
      keyRow[1 + i] = keyTypes[i];
      prefixRow[1 + i] = keyTypes[i];
      joinKeyOfKey.add(new BoundReference(1 + i, keyTypes[i], true));
    }
    keyRow[numKeys + 1] = DataTypes.LongType;
    storeKey = UnsafeProjection.create(keyRow);
    prefix = UnsafeProjection.create(prefixRow);
    joinKeyOfStoreKey = UnsafeProjection.create(seq(joinKeyOfKey));
    keyHolder = new GenericInternalRow(numKeys + 2);
    prefixHolder = new GenericInternalRow(numKeys + 1);
    List<Expression> value = new ArrayList<>();
    List<DataType> combinedTypes = combinedTypes(left, right);
    for (int i = 0; i < combinedSize; i++) {
      value.add(new BoundReference(i, combinedTypes.get(i), true));
    }
    value.add(new BoundReference(combinedSize, DataTypes.BooleanType, false));
    storeValue = UnsafeProjection.create(seq(value));
    // The predicates' shape does not depend on the watermark, only their threshold does.
    StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicates shape = predicatesAt(0L);
    timeExpression(shape.left(), spec.leftOutput(), StreamJoinSpec.LEFT);
    timeExpression(shape.right(), spec.rightOutput(), StreamJoinSpec.RIGHT);
    for (int side = 0; side < 2; side++) {
      bySide[side] = timeOf[side] == null ? null : new EventTimeIndex(timeIndexEntries);
    }
  }

  private StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicates predicatesAt(long watermark) {
    return StreamingSymmetricHashJoinHelper$.MODULE$.getStateWatermarkPredicates(spec.leftOutput(),
        spec.rightOutput(), spec.leftKeys(), spec.rightKeys(), spec.full(), Option.apply((Object) watermark),
        Option.empty(), true);
  }

  /** Spark 4.2.0 builds each side's predicate as {@code LessThanOrEqual(time, Literal(micros))}. */
  private void timeExpression(Option<StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicate> predicate,
      Seq<Attribute> sideOutput, int side) {
    if (predicate.isEmpty()) {
      return;
    }
    Expression time = lessOrEqual(predicate.get()).left();
    if (predicate.get() instanceof StreamingSymmetricHashJoinHelper.JoinStateKeyWatermarkPredicate) {
      // bound to the join key's ordinal; the join keys sit at 1.. in both the input row and the store key
      timeOnKey[side] = true;
      timeOf[side] = UnsafeProjection.create(seq(List.of(shiftedBy(time, 1))));
    } else {
      timeOf[side] = UnsafeProjection.create(seq(List.of(time)), sideOutput);
    }
  }

  private static LessThanOrEqual lessOrEqual(StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicate p) {
    if (p.expr() instanceof LessThanOrEqual le) {
      return le;
    }
    throw new IllegalStateException("Unexpected shape of Spark's join state watermark predicate (checked"
        + " against Spark 4.2.0): " + p.expr());
  }

  private static Expression shiftedBy(Expression bound, int offset) {
    return bound.transform(new scala.runtime.AbstractPartialFunction<Expression, Expression>() {
      @Override
      public boolean isDefinedAt(Expression e) {
        return e instanceof BoundReference;
      }

      @Override
      public Expression apply(Expression e) {
        BoundReference r = (BoundReference) e;
        return new BoundReference(r.ordinal() + offset, r.dataType(), r.nullable());
      }
    });
  }

  /**
   * The time a stored row of {@code side} leaves at (micros), or null if it never does.
   *
   * @param keyRow the input row or the store key (join keys at 1..)
   * @param sideRow the side's own columns
   */
  private Long rowTime(int side, InternalRow keyRow, InternalRow sideRow) {
    InternalRow t = timeOf[side].apply(timeOnKey[side] ? keyRow : sideRow);
    return t.isNullAt(0) ? null : t.getLong(0);
  }

  StreamJoinSpec spec() {
    return spec;
  }

  long lateRows() {
    return lateRows;
  }

  /**
   * The input watermark of the last eviction: every row it made due (unmatched outer rows) has been
   * handed out, so downstream may see the join's output watermark of it. Evictions are throttled
   * ({@link #MIN_EVICTION_INTERVAL_NANOS}), so this can lag the task's watermark within an epoch.
   */
  long evictedAtWatermark() {
    return evictedAtWatermark;
  }

  /** State rows written so far (cumulative). */
  long rowsUpdated() {
    return rowsUpdated;
  }

  /** State rows evicted so far (cumulative). */
  long rowsRemoved() {
    return rowsRemoved;
  }

  void process(InternalRow row, StateStore store, Deque<InternalRow> out) {
    long watermark = eventTime.watermarkMs();
    refreshLateFilters(watermark);
    int side = row.getInt(0);
    int other = 1 - side;
    UnsafeRow mine = sideOf[side].apply(row);
    if (late[side] != null && late[side].eval(mine)) {
      lateRows++;
      return;
    }
    if (!preFilter[side].eval(mine)) {
      // Never joins; an outer side's row leaves at once with nulls, as in Spark.
      if (side == outer) {
        out.add(emit(side, mine, nullSide[other]));
      }
      return;
    }
    boolean matched = false;
    if (!anyKeyNull(row)) {
      List<UnsafeRowPair> toMark = new ArrayList<>();
      var candidates = store.prefixScan(prefixOf(other, row), StateStore.DEFAULT_COL_FAMILY_NAME());
      while (candidates.hasNext()) {
        UnsafeRowPair pair = candidates.next();
        UnsafeRow theirs = sideOf[other].apply(pair.value());
        if (postFilter.eval(side == StreamJoinSpec.LEFT ? joined.apply(mine, theirs) : joined.apply(theirs, mine))) {
          out.add(emit(side, mine, theirs));
          matched = true;
          if (other == outer && !pair.value().getBoolean(combinedSize)) {
            toMark.add(new UnsafeRowPair(pair.key().copy(), pair.value().copy()));
          }
        }
      }
      for (UnsafeRowPair pair : toMark) {
        pair.value().setBoolean(combinedSize, true);
        store.put(pair.key(), pair.value(), StateStore.DEFAULT_COL_FAMILY_NAME());
        rowsUpdated++;
      }
    }
    Long leavesAt = timeOf[side] == null ? null : rowTime(side, row, mine);
    matchedFlag.setBoolean(0, matched);
    UnsafeRow stored = keyOf(side, row).copy();
    store.put(stored, storeValue.apply(joined.apply(row, matchedFlag)).copy(), StateStore.DEFAULT_COL_FAMILY_NAME());
    rowsUpdated++;
    if (leavesAt != null) {
      bySide[side].add(leavesAt, stored);
    }
    maybeEvict(watermark, store, out, false);
  }

  void onWatermark(StateStore store, Deque<InternalRow> out) {
    maybeEvict(eventTime.watermarkMs(), store, out, false);
  }

  void beforeCommit(StateStore store, Deque<InternalRow> out) {
    maybeEvict(eventTime.watermarkMs(), store, out, true);
  }

  private void maybeEvict(long watermark, StateStore store, Deque<InternalRow> out, boolean force) {
    if (watermark == Long.MIN_VALUE || watermark <= evictedAtWatermark) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastEvictionNanos < MIN_EVICTION_INTERVAL_NANOS) {
      return;
    }
    lastEvictionNanos = now;
    evictedAtWatermark = watermark;
    StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicates predicates = predicatesAt(watermark);
    evictSide(StreamJoinSpec.LEFT, predicates.left(), store, out);
    evictSide(StreamJoinSpec.RIGHT, predicates.right(), store, out);
  }

  private void evictSide(int side, Option<StreamingSymmetricHashJoinHelper.JoinStateWatermarkPredicate> predicate,
      StateStore store, Deque<InternalRow> out) {
    if (bySide[side] == null || predicate.isEmpty()) {
      return;
    }
    long threshold = (Long) lessOrEqual(predicate.get()).right().eval(null);
    bySide[side].releaseUpTo(threshold, entry -> {
      var rows = store.iterator(StateStore.DEFAULT_COL_FAMILY_NAME());
      while (rows.hasNext()) {
        UnsafeRowPair pair = rows.next();
        if (pair.key().getInt(0) == side) {
          Long time = rowTime(side, pair.key(), sideOf[side].apply(pair.value()));
          if (time != null) {
            entry.accept(time, pair.key());
          }
        }
      }
    }, key -> {
      UnsafeRow value = store.get(key, StateStore.DEFAULT_COL_FAMILY_NAME());
      if (value == null) {
        return;
      }
      if (side == outer && !value.getBoolean(combinedSize)) {
        out.add(emit(side, sideOf[side].apply(value), nullSide[1 - side]));
      }
      store.remove(key, StateStore.DEFAULT_COL_FAMILY_NAME());
      rowsRemoved++;
    });
  }

  private void refreshLateFilters(long watermark) {
    if (watermark == predicatesForWatermark) {
      return;
    }
    predicatesForWatermark = watermark;
    for (int side = 0; side < 2; side++) {
      Option<Expression> expr = watermark == Long.MIN_VALUE ? Option.empty()
          : WatermarkSupport$.MODULE$.watermarkExpression(Option.apply(eventTimeColumn[side]),
              Option.apply((Object) watermark));
      late[side] = expr.isEmpty() ? null
          : interpreted(expr.get(), side == StreamJoinSpec.LEFT ? spec.leftOutput() : spec.rightOutput());
    }
  }

  private InternalRow emit(int side, InternalRow mine, InternalRow theirs) {
    return output.apply(side == StreamJoinSpec.LEFT ? joined.apply(mine, theirs) : joined.apply(theirs, mine)).copy();
  }

  private boolean anyKeyNull(InternalRow row) {
    for (int i = 0; i < numKeys; i++) {
      if (row.isNullAt(1 + i)) {
        return true;
      }
    }
    return false;
  }

  private UnsafeRow keyOf(int side, InternalRow row) {
    keyHolder.setInt(0, side);
    for (int i = 0; i < numKeys; i++) {
      keyHolder.update(1 + i, row.get(1 + i, keyTypes[i]));
    }
    keyHolder.setLong(numKeys + 1, sequence++);
    return storeKey.apply(keyHolder);
  }

  private UnsafeRow prefixOf(int side, InternalRow row) {
    prefixHolder.setInt(0, side);
    for (int i = 0; i < numKeys; i++) {
      prefixHolder.update(1 + i, row.get(1 + i, keyTypes[i]));
    }
    return prefix.apply(prefixHolder);
  }

  /** Sequence numbers restart per epoch above every number an earlier epoch could have used. */
  void beginEpoch(long epoch) {
    sequence = epoch << 32;
  }

  private List<DataType> combinedTypes(List<Attribute> left, List<Attribute> right) {
    List<DataType> types = new ArrayList<>();
    types.add(DataTypes.IntegerType);
    for (DataType t : keyTypes) {
      types.add(t);
    }
    left.forEach(a -> types.add(a.dataType()));
    right.forEach(a -> types.add(a.dataType()));
    return types;
  }

  private static Attribute eventTimeOf(List<Attribute> side) {
    for (Attribute a : side) {
      if (a.metadata().contains(EventTimeWatermark$.MODULE$.delayKey())) {
        return a;
      }
    }
    return null;
  }

  private static UnsafeProjection columns(List<Attribute> attrs, int offset) {
    List<Expression> refs = new ArrayList<>();
    for (int i = 0; i < attrs.size(); i++) {
      refs.add(new BoundReference(offset + i, attrs.get(i).dataType(), true));
    }
    return UnsafeProjection.create(seq(refs));
  }

  private static BasePredicate predicate(Option<Expression> condition, Seq<Attribute> input) {
    Expression e = condition.isEmpty() ? Literal.create(true, DataTypes.BooleanType) : condition.get();
    return Predicate$.MODULE$.create(e, input);
  }

  private static BasePredicate interpreted(Expression e, Seq<Attribute> input) {
    Expression bound = BindReferences$.MODULE$.bindReference(e,
        org.apache.spark.sql.catalyst.expressions.package$.MODULE$.AttributeSeq(input), false);
    return Predicate$.MODULE$.createInterpreted(bound);
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }
}
