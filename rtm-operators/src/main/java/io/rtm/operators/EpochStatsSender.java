package io.rtm.operators;

import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.metrics.TaskEpochMetrics;
import io.rtm.operators.registry.ExecutorServices;
import io.rtm.shuffle.ShuffleMetrics;

/**
 * Sends a stage task's figures of each ended epoch to the driver plugin, which sums them per epoch
 * for the query's progress report. Sent before the epoch is passed on, so they reach the driver
 * about when its commit does; one small message per task and epoch, never per row. Advisory: a
 * failed send loses one epoch's figures, never the task. Owned by the task thread.
 */
final class EpochStatsSender {
  private final String queryRunId;
  private final int stageId;
  private final int partition;
  private final boolean atSource;
  private final boolean atSink;
  private final EpochRowsCursor in;
  private final EpochOutput out;
  private final TaskEventTime eventTime;
  private long lastBlockedNanos;

  EpochStatsSender(String queryRunId, int stageId, int partition, boolean atSource, boolean atSink,
      EpochRowsCursor in, EpochOutput out, TaskEventTime eventTime) {
    this.queryRunId = queryRunId;
    this.stageId = stageId;
    this.partition = partition;
    this.atSource = atSource;
    this.atSink = atSink;
    this.in = in;
    this.out = out;
    this.eventTime = eventTime;
  }

  void send(TaskEpochMetrics metrics, long epoch) {
    long backpressureNanos = 0;
    long queuedBuffers = 0;
    if (out instanceof ShuffleEpochOutput shuffle) {
      ShuffleMetrics m = shuffle.partition().metrics();
      backpressureNanos = m.blockedNanos() - lastBlockedNanos;
      lastBlockedNanos = m.blockedNanos();
      queuedBuffers += m.queuedBuffers();
    }
    long queuedRows = 0;
    if (in.input() instanceof ShuffleEpochInput shuffle) {
      queuedBuffers += shuffle.gate().metrics().queuedBuffers();
    } else if (in.input() instanceof SourceEpochInput source) {
      queuedRows = source.queued();
    }
    EpochStats stats = metrics.endEpoch(queryRunId, epoch, atSource, atSink, backpressureNanos, queuedBuffers,
        queuedRows, eventTime.watermarkMs());
    ExecutorServices services = ExecutorServices.getIfInstalled();
    if (services != null) {
      services.reportEpochStats(stats, stageId, partition);
    }
  }
}
