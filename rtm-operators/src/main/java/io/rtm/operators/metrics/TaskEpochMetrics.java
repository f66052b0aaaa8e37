package io.rtm.operators.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-epoch counters of one long-lived stage task: rows in and out, the latency of every row the
 * sink task hands to the sink, and what its stateful operators report at their state commit.
 *
 * <p>Origin: each input sets the origin of the row the task works on now (the source record's
 * timestamp, or the time it was read; through a shuffle, the origin the producer sent along). Rows
 * that Spark's operators emit in the same pull (a projection of it, an aggregate's updated result)
 * inherit it, since the task's operators work one pulled row at a time.
 *
 * <p>Owned by the task thread (plain fields, no locks, no allocation per row); looked up by task
 * attempt id because state operators and inputs are built without a handle to the stage task.
 */
public final class TaskEpochMetrics {
  private static final Map<Long, TaskEpochMetrics> BY_TASK = new ConcurrentHashMap<>();

  private long originMicros;
  private long rowsIn;
  private long rowsOut;
  private final LatencyHistogram latency = new LatencyHistogram();
  private final List<StateOperatorStats> state = new ArrayList<>(2);

  /** Counters of no task (sources driven outside a stage task, in tests). */
  public TaskEpochMetrics() {}

  public static TaskEpochMetrics of(long taskAttemptId) {
    return BY_TASK.computeIfAbsent(taskAttemptId, k -> new TaskEpochMetrics());
  }

  public static void forget(long taskAttemptId) {
    BY_TASK.remove(taskAttemptId);
  }

  /** The row the task pulled now originated at {@code micros} (wall clock, microseconds). */
  public void origin(long micros) {
    originMicros = micros;
  }

  /** The origin of the row the task works on now; 0 before the first row. */
  public long origin() {
    return originMicros;
  }

  public void rowIn() {
    rowsIn++;
  }

  /** A row was written; a sink task also counts its latency from the current origin. */
  public void rowOut(boolean atSink) {
    rowsOut++;
    if (atSink && originMicros > 0) {
      latency.record(MicroClock.nowMicros() - originMicros);
    }
  }

  /** A stateful operator of this task committed its state for the epoch. */
  public void stateCommitted(long operatorId, String name, long rowsTotal, long memoryUsedBytes, long droppedLate,
      long rowsUpdated, long rowsRemoved) {
    state.add(new StateOperatorStats(operatorId, name.replaceAll("[,;\\u0001]", "_"), rowsTotal, memoryUsedBytes,
        droppedLate, 1, rowsUpdated, rowsRemoved));
  }

  /** The epoch's figures; the counters start over for the next epoch. */
  public EpochStats endEpoch(String queryRunId, long epoch, boolean source, boolean sink, long backpressureNanos,
      long shuffleQueuedBuffers, long sourceQueuedRows, long watermarkMs) {
    EpochStats stats = EpochStats.ofTask(queryRunId, epoch, source, sink, rowsIn, rowsOut, latency,
        backpressureNanos, shuffleQueuedBuffers, sourceQueuedRows, watermarkMs, state);
    rowsIn = 0;
    rowsOut = 0;
    latency.reset();
    state.clear();
    return stats;
  }
}
