package io.rtm.operators.aggregate;

import io.rtm.compat.EpochStoreOpener;
import io.rtm.compat.RocksDbSnapshotSchedule;
import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.eventtime.WatermarkTick;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.streaming.continuous.EpochTracker$;
import org.apache.spark.sql.execution.streaming.state.StateStore;

/**
 * Runs a stateful operator's rows epoch by epoch inside a long-lived task: opens the epoch's state
 * store version when the epoch's input starts, hands every row and the store to the operator, and
 * commits the store when the epoch's input ends (its barrier has passed). The operator is built once
 * per task, so code generation is not repeated per epoch.
 *
 * <p>Operators that read event time also commit the partition's watermark with every epoch and
 * restore it when the task starts (see {@link EpochStateStores}).
 *
 * <p>Owned by the task thread. {@code store} is the open store of the current epoch, or null
 * between epochs; the task's completion listener aborts it if the task dies inside an epoch.
 */
public final class EpochStatefulTask {
  /** One stateful operator's work, row by row; every row it emits goes to {@code out} as a copy. */
  public interface RowOperator {
    void process(InternalRow row, StateStore store, Deque<InternalRow> out);

    /** The in-band watermark rose without a record ({@link WatermarkTick}). */
    default void onWatermark(StateStore store, Deque<InternalRow> out) {}

    /** The epoch's input ended; the store commits right after what this emits. */
    default void beforeCommit(StateStore store, Deque<InternalRow> out) {}

    /** Late rows dropped so far (cumulative), for progress reports. */
    default long lateRowsDropped() {
      return 0;
    }

    /** State rows written so far (cumulative), for progress reports. */
    default long rowsUpdated() {
      return 0;
    }

    /** State rows removed so far (cumulative), for progress reports. */
    default long rowsRemoved() {
      return 0;
    }

    /** The operator's name in progress reports ({@code stateOperators[].operatorName}). */
    default String progressName() {
      return getClass().getSimpleName();
    }
  }

  private static final Map<String, EpochStatefulTask> BY_TASK = new ConcurrentHashMap<>();

  private final int partition;
  private final RowOperator operator;
  private final EpochStateStores stores;
  private final TaskEventTime eventTime;
  private final UnsafeRow watermarkKey;
  private final UnsafeRow watermarkValue;
  private StateStore store;
  private final StateCommitReporter stateReporter;
  private final RocksDbSnapshotSchedule snapshots;
  private final EpochStoreOpener storeOpener;
  private final EpochStoreOpener watermarkOpener;
  private StateStore watermarkStore;
  private boolean watermarkRestored;

  private EpochStatefulTask(int partition, RowOperator operator, EpochStateStores stores, TaskEventTime eventTime) {
    this.partition = partition;
    this.operator = operator;
    this.stores = stores;
    this.eventTime = eventTime;
    this.snapshots = RocksDbSnapshotSchedule.forStores(stores.storeConf());
    this.storeOpener = new EpochStoreOpener("of operator " + stores.operatorId() + " partition " + partition);
    this.watermarkOpener = new EpochStoreOpener(
        EpochStateStores.WATERMARK_STORE_NAME + " of operator " + stores.operatorId() + " partition " + partition);
    this.stateReporter = new StateCommitReporter(stores.operatorId(), operator.progressName());
    if (stores.persistsWatermark()) {
      // Closed windows and sessions leave after the watermark that closed them rose.
      eventTime.holdForwarding();
    }
    this.watermarkKey = UnsafeProjection.create(EpochStateStores.WATERMARK_KEY)
        .apply(new GenericInternalRow(new Object[] {partition})).copy();
    this.watermarkValue = UnsafeProjection.create(EpochStateStores.WATERMARK_VALUE)
        .apply(new GenericInternalRow(new Object[] {Long.MIN_VALUE})).copy();
  }

  /** The operator's task-scoped instance, created on the task's first epoch. */
  public static EpochStatefulTask forTask(TaskContext context, int partition, EpochStateStores stores,
      Supplier<RowOperator> operator) {
    String key = context.taskAttemptId() + "/" + stores.operatorId();
    return BY_TASK.computeIfAbsent(key, k -> {
      EpochStatefulTask created = new EpochStatefulTask(partition, operator.get(), stores,
          TaskEventTime.of(context.taskAttemptId()));
      context.addTaskCompletionListener(ctx -> {
        BY_TASK.remove(k);
        created.abortOpenEpoch();
      });
      return created;
    });
  }

  /** This epoch's output: one pass over its input, then the state commit. */
  public Iterator<InternalRow> run(Iterator<InternalRow> input) {
    long epoch = currentEpoch();
    store = storeOpener.open(epoch, version -> stores.open(partition, version));
    snapshots.opened(store);
    if (stores.persistsWatermark()) {
      watermarkStore = watermarkOpener.open(epoch, version -> stores.openWatermark(partition, version));
      restoreWatermarkOnce();
    }
    Deque<InternalRow> pending = new ArrayDeque<>();
    return new Iterator<>() {
      private boolean inputEnded;

      @Override
      public boolean hasNext() {
        while (pending.isEmpty() && !inputEnded) {
          // Everything the watermark made due has left: downstream may see it before we read on.
          eventTime.released();
          if (input.hasNext()) {
            InternalRow row = input.next();
            if (WatermarkTick.is(row)) {
              operator.onWatermark(store, pending);
            } else {
              operator.process(row, store, pending);
            }
          } else {
            inputEnded = true;
            operator.beforeCommit(store, pending);
          }
        }
        if (!pending.isEmpty()) {
          return true;
        }
        commitEpoch();
        return false;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.poll();
      }
    };
  }

  /**
   * A restarted task starts from the watermark its partition reached at the end of the last
   * committed epoch, so a row that was late before the restart is late after it; replayed rows
   * alone would only rebuild it as they come, and rows before them would pass.
   */
  private void restoreWatermarkOnce() {
    if (watermarkRestored) {
      return;
    }
    watermarkRestored = true;
    UnsafeRow saved = watermarkStore.get(watermarkKey, StateStore.DEFAULT_COL_FAMILY_NAME());
    if (saved != null && saved.getLong(0) != Long.MIN_VALUE) {
      eventTime.inputWatermark(saved.getLong(0));
    }
  }

  private void commitEpoch() {
    if (watermarkStore != null) {
      watermarkValue.setLong(0, eventTime.watermarkMs());
      watermarkStore.put(watermarkKey, watermarkValue, StateStore.DEFAULT_COL_FAMILY_NAME());
      watermarkStore.commit();
      watermarkStore = null;
    }
    if (store != null) {
      stateReporter.commit(store, operator.lateRowsDropped(), operator.rowsUpdated(), operator.rowsRemoved());
      store = null;
    }
  }

  private void abortOpenEpoch() {
    if (watermarkStore != null && !watermarkStore.hasCommitted()) {
      watermarkStore.abort();
    }
    watermarkStore = null;
    if (store != null && !store.hasCommitted()) {
      store.abort();
    }
    store = null;
  }

  private static long currentEpoch() {
    scala.Option<Object> epoch = EpochTracker$.MODULE$.getCurrentEpoch();
    if (epoch.isEmpty()) {
      throw new IllegalStateException("A real-time stateful operator runs outside a real-time stage task (no epoch)");
    }
    return (Long) epoch.get();
  }
}
