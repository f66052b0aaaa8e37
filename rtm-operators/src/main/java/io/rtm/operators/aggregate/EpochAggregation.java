package io.rtm.operators.aggregate;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.streaming.continuous.EpochTracker$;
import org.apache.spark.sql.execution.streaming.state.StateStore;

/**
 * The task-side state machine of one real-time aggregation: built once per task (code generation
 * is not repeated per epoch), it runs each epoch's rows against that epoch's state store version
 * and commits the store when the epoch's input ends.
 *
 * <p>Owned by the task thread. {@code store} is the open store of the current epoch, or null
 * between epochs; the task's completion listener aborts it if the task dies inside an epoch.
 */
final class EpochAggregation {
  private static final Map<String, EpochAggregation> BY_TASK = new ConcurrentHashMap<>();

  private final int partition;
  private final RowAggregator aggregator;
  private final AggregationBuffers buffers;
  private final GenericInternalRow working;
  private final EpochStateStores stores;
  private StateStore store;

  private EpochAggregation(int partition, RowAggregator aggregator, EpochStateStores stores) {
    this.partition = partition;
    this.aggregator = aggregator;
    this.stores = stores;
    this.buffers = new AggregationBuffers(aggregator.functions(), stores.valueSchema());
    this.working = buffers.newWorking();
  }

  static EpochAggregation forTask(TaskContext context, int partition, Supplier<RowAggregator> aggregator,
      EpochStateStores stores) {
    String key = context.taskAttemptId() + "/" + stores.operatorId();
    return BY_TASK.computeIfAbsent(key, k -> {
      EpochAggregation created = new EpochAggregation(partition, aggregator.get(), stores);
      context.addTaskCompletionListener(ctx -> {
        BY_TASK.remove(k);
        created.abortOpenEpoch();
      });
      return created;
    });
  }

  Iterator<InternalRow> run(Iterator<InternalRow> input) {
    long epoch = currentEpoch();
    store = stores.open(partition, epoch);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        if (input.hasNext()) {
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
        return update(input.next());
      }
    };
  }

  private InternalRow update(InternalRow row) {
    UnsafeRow key = aggregator.keyOf(row);
    UnsafeRow stored = store.get(key, StateStore.DEFAULT_COL_FAMILY_NAME());
    if (stored == null) {
      aggregator.initialize(working);
    } else {
      buffers.load(stored, working);
    }
    aggregator.update(working, row);
    InternalRow result = aggregator.result(key, working);
    store.put(key, buffers.store(working), StateStore.DEFAULT_COL_FAMILY_NAME());
    return result;
  }

  private void commitEpoch() {
    if (store != null) {
      store.commit();
      store = null;
    }
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
      throw new IllegalStateException("A real-time aggregation runs outside a real-time stage task (no epoch)");
    }
    return (Long) epoch.get();
  }
}
