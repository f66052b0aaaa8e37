package io.rtm.operators.metrics;

/**
 * One stateful operator's figures at an epoch's state commit, for one task or summed over tasks.
 *
 * @param rowsTotal keys in the state store after the commit
 * @param memoryUsedBytes the store's own memory estimate after the commit
 * @param rowsDroppedByWatermark late input rows the operator dropped during the epoch
 * @param instances state store instances (tasks) summed into this
 * @param rowsUpdated state rows the operator wrote (added or updated) during the epoch
 * @param rowsRemoved state rows the operator removed during the epoch (evicted, merged, expired)
 */
public record StateOperatorStats(long operatorId, String name, long rowsTotal, long memoryUsedBytes,
    long rowsDroppedByWatermark, int instances, long rowsUpdated, long rowsRemoved) {

  StateOperatorStats plus(StateOperatorStats o) {
    return new StateOperatorStats(operatorId, name, rowsTotal + o.rowsTotal, memoryUsedBytes + o.memoryUsedBytes,
        rowsDroppedByWatermark + o.rowsDroppedByWatermark, instances + o.instances, rowsUpdated + o.rowsUpdated,
        rowsRemoved + o.rowsRemoved);
  }
}
