package io.rtm.operators.aggregate;

import io.rtm.operators.metrics.TaskEpochMetrics;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStoreMetrics;

/**
 * Puts a stateful operator's committed state into its task's epoch figures: the store's rows and
 * memory after the commit (Spark reads them after commit too), and the rows the operator dropped
 * as late, updated and removed since the last commit, from its running totals.
 *
 * <p>Owned by the task thread.
 */
public final class StateCommitReporter {
  private final long operatorId;
  private final String operatorName;
  private long lateReported;
  private long updatesReported;
  private long removalsReported;

  /** @param operatorName the name in progress reports ({@code stateOperators[].operatorName}) */
  public StateCommitReporter(long operatorId, String operatorName) {
    this.operatorId = operatorId;
    this.operatorName = operatorName;
  }

  /** Reports the committed store with the operator's totals so far (each cumulative). */
  public void committed(StateStore store, long lateTotal, long updatedTotal, long removedTotal) {
    TaskContext context = TaskContext.get();
    if (context == null) {
      return;
    }
    long rows;
    long memory;
    try {
      StateStoreMetrics m = store.metrics();
      rows = m.numKeys();
      memory = m.memoryUsedBytes();
    } catch (RuntimeException e) {
      // A provider without metrics after commit: report what is known rather than fail the epoch.
      rows = -1;
      memory = -1;
    }
    TaskEpochMetrics.of(context.taskAttemptId()).stateCommitted(operatorId, operatorName, rows, memory,
        lateTotal - lateReported, updatedTotal - updatesReported, removedTotal - removalsReported);
    lateReported = lateTotal;
    updatesReported = updatedTotal;
    removalsReported = removedTotal;
  }
}
