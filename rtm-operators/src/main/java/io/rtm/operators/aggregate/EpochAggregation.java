package io.rtm.operators.aggregate;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.streaming.state.StateStore;

/**
 * One record's aggregation: read its group's buffer from the epoch's state store, update it with the
 * record, emit the group's new result, write the buffer back.
 */
final class EpochAggregation implements EpochStatefulTask.RowOperator {
  private final RowAggregator aggregator;
  private final AggregationBuffers buffers;
  private final GenericInternalRow working;

  EpochAggregation(RowAggregator aggregator, EpochStateStores stores) {
    this.aggregator = aggregator;
    this.buffers = new AggregationBuffers(aggregator.functions(), stores.valueSchema());
    this.working = buffers.newWorking();
  }

  @Override
  public InternalRow process(InternalRow row, StateStore store) {
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
}
