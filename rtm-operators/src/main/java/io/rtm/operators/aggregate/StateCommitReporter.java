package io.rtm.operators.aggregate;

import io.rtm.operators.metrics.TaskEpochMetrics;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStoreCustomMetric;
import org.apache.spark.sql.execution.streaming.state.StateStoreMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a stateful operator's committed state into its task's epoch figures: the store's rows and
 * memory after the commit (Spark reads them after commit too), and the rows the operator dropped
 * as late, updated and removed since the last commit, from its running totals.
 *
 * <p>It also times the commit: a commit blocks the task thread, so every row of the next epoch
 * waits for it, and a slow one (RocksDB's snapshot: a memtable flush and a checkpoint) is logged
 * with the provider's own breakdown so that a latency spike can be traced to it.
 *
 * <p>Owned by the task thread.
 */
public final class StateCommitReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StateCommitReporter.class);
  /** Above this a commit shows in the latency tail of a 10,000 records/s stream. */
  static final long SLOW_COMMIT_MS = 50;

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

  /** Commits the store and reports it with the operator's totals so far (each cumulative). */
  public void commit(StateStore store, long lateTotal, long updatedTotal, long removedTotal) {
    long start = System.nanoTime();
    store.commit();
    long commitMs = (System.nanoTime() - start) / 1_000_000;
    StateStoreMetrics metrics = metricsAfterCommit(store);
    if (commitMs >= SLOW_COMMIT_MS) {
      LOG.info("State commit of {} (operator {}) version {} took {} ms: {}", operatorName, operatorId,
          store.version(), commitMs, metrics == null ? "no metrics" : commitBreakdown(metrics));
    }
    TaskContext context = TaskContext.get();
    if (context == null) {
      return;
    }
    // A provider without metrics after commit: report what is known rather than fail the epoch.
    long rows = metrics == null ? -1 : metrics.numKeys();
    long memory = metrics == null ? -1 : metrics.memoryUsedBytes();
    TaskEpochMetrics.of(context.taskAttemptId()).stateCommitted(operatorId, operatorName, rows, memory,
        lateTotal - lateReported, updatedTotal - updatesReported, removedTotal - removalsReported);
    lateReported = lateTotal;
    updatesReported = updatedTotal;
    removalsReported = removedTotal;
  }

  private static StateStoreMetrics metricsAfterCommit(StateStore store) {
    try {
      return store.metrics();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The provider's commit timings (RocksDB: flush, checkpoint, changelog, file sync), by name. */
  static String commitBreakdown(StateStoreMetrics metrics) {
    StringBuilder out = new StringBuilder();
    metrics.customMetrics().foreach(entry -> {
      StateStoreCustomMetric metric = entry._1();
      if (metric.name().toLowerCase(java.util.Locale.ROOT).contains("commit")) {
        out.append(out.length() == 0 ? "" : ", ").append(metric.name()).append('=').append(entry._2());
      }
      return null;
    });
    return out.length() == 0 ? "no commit timings from the provider" : out.toString();
  }
}
