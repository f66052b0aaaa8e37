package io.rtm.plugin;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reports the first task failure of a real-time run as it happens. Spark would retry the task
 * (up to {@code spark.task.maxFailures}), but a lone retried task cannot rejoin a running pipeline:
 * the run stops at the first failure and the user sees that failure, not the retries' errors.
 */
final class StageFailureListener extends SparkListener {
  /** Local property that marks the jobs of one run; set before they are submitted, so no race. */
  static final String RUN_ID_PROPERTY = "rtm.run.id";

  private final String runId;
  private final Set<Integer> stageIds = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<String> firstFailure;

  StageFailureListener(String runId, CompletableFuture<String> firstFailure) {
    this.runId = runId;
    this.firstFailure = firstFailure;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    if (jobStart.properties() != null && runId.equals(jobStart.properties().getProperty(RUN_ID_PROPERTY))) {
      for (Object stageId : CollectionConverters.asJava(jobStart.stageIds())) {
        stageIds.add((Integer) stageId);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (!stageIds.contains(taskEnd.stageId()) || !(taskEnd.reason() instanceof TaskFailedReason reason)
        || reason instanceof TaskKilled) {
      return;
    }
    String description = reason instanceof ExceptionFailure e
        ? e.className() + ": " + e.description()
        : reason.toErrorString();
    firstFailure.complete("task " + taskEnd.taskInfo().index() + " of Spark stage " + taskEnd.stageId()
        + " on executor " + taskEnd.taskInfo().executorId() + "|" + description);
  }
}
