package io.rtm.operators.join;

import io.rtm.compat.EpochStoreOpener;
import io.rtm.compat.RocksDbSnapshotSchedule;
import io.rtm.operators.aggregate.StateCommitReporter;
import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.eventtime.WatermarkTick;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.streaming.continuous.EpochTracker$;
import org.apache.spark.sql.execution.streaming.state.StateStore;

/**
 * Runs one task's stream-stream join epoch by epoch: the epoch's state version opens when its input
 * starts and commits when its input ends (the barrier has passed the join, on both sides at once
 * since both sides share the shuffle). The operator lives for the task, not per epoch. Owned by the
 * task thread; a task that dies inside an epoch aborts the open version.
 */
final class EpochJoinTask {
  private static final Map<String, EpochJoinTask> BY_TASK = new ConcurrentHashMap<>();

  private final int partition;
  private final JoinStateStores stores;
  private final StreamJoinOperator operator;
  private final TaskEventTime eventTime;
  private StateStore store;
  /** Progress reports name the join as Spark does. */
  private final StateCommitReporter stateReporter;
  private final RocksDbSnapshotSchedule snapshots;
  private final EpochStoreOpener storeOpener;

  private EpochJoinTask(int partition, JoinStateStores stores, StreamJoinOperator operator, TaskEventTime eventTime) {
    this.partition = partition;
    this.stores = stores;
    this.operator = operator;
    this.snapshots = RocksDbSnapshotSchedule.forStores(stores.storeConf());
    this.storeOpener = new EpochStoreOpener("of join operator " + stores.operatorId() + " partition " + partition);
    this.eventTime = eventTime;
    // Unmatched outer rows leave once the watermark passed them, and any row leaves with its own time,
    // which can be as low as the join's state watermark: downstream sees the output watermark of what
    // was evicted (Spark 4.2.0 gives the next operator the join's produceOutputWatermark).
    eventTime.holdForwarding(new JoinOutputWatermark(operator.spec()));
    this.stateReporter = new StateCommitReporter(stores.operatorId(), "symmetricHashJoin");
  }

  static EpochJoinTask forTask(TaskContext context, int partition, JoinStateStores stores, StreamJoinSpec spec) {
    String key = context.taskAttemptId() + "/" + stores.operatorId();
    return BY_TASK.computeIfAbsent(key, k -> {
      TaskEventTime eventTime = TaskEventTime.of(context.taskAttemptId());
      EpochJoinTask created = new EpochJoinTask(partition, stores,
          new StreamJoinOperator(spec, eventTime, stores.timeIndexEntries()), eventTime);
      context.addTaskCompletionListener(ctx -> {
        BY_TASK.remove(k);
        created.abortOpenEpoch();
      });
      return created;
    });
  }

  Iterator<InternalRow> run(Iterator<InternalRow> input) {
    long epoch = currentEpoch();
    store = storeOpener.open(epoch, version -> stores.open(partition, version));
    snapshots.opened(store);
    operator.beginEpoch(epoch);
    Deque<InternalRow> pending = new ArrayDeque<>();
    return new Iterator<>() {
      private boolean inputEnded;

      @Override
      public boolean hasNext() {
        while (pending.isEmpty() && !inputEnded) {
          // Everything the last eviction made due has left: downstream may see it before we read on.
          eventTime.released(operator.evictedAtWatermark());
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
        if (store != null) {
          stateReporter.commit(store, operator.lateRows(), operator.rowsUpdated(), operator.rowsRemoved());
          store = null;
        }
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

  private void abortOpenEpoch() {
    if (store != null && !store.hasCommitted()) {
      store.abort();
    }
    store = null;
  }

  private static long currentEpoch() {
    scala.Option<Object> epoch = EpochTracker$.MODULE$.getCurrentEpoch();
    if (epoch.isEmpty()) {
      throw new IllegalStateException("A real-time join runs outside a real-time stage task (no epoch)");
    }
    return (Long) epoch.get();
  }
}
