package io.rtm.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reports the task failures of a real-time run as they happen. Spark would retry the task (up to
 * {@code spark.task.maxFailures}), but a lone retried task cannot rejoin a running pipeline: the
 * run stops at its first failure. One failure usually drags others along (a consumer whose producer
 * died sees its connection close), so the run asks for the failure that is not such an echo.
 */
final class StageFailureListener extends SparkListener {
  /** Local property that marks the jobs of one run; set before they are submitted, so no race. */
  static final String RUN_ID_PROPERTY = "rtm.run.id";
  /** Failures kept per run: the first ones are the informative ones. */
  private static final int MAX_KEPT = 16;
  /** Exceptions a task raises because another task or stage failed, not on its own account. */
  private static final List<String> ECHOES = List.of("io.rtm.shuffle.ShuffleException",
      "io.rtm.operators.UpstreamEndedException");

  /** One failed task: where, and the exception (or the scheduler's description of the loss). */
  record FailedTask(String where, Throwable cause, boolean echo) {}

  private final String runId;
  private final Set<Integer> stageIds = ConcurrentHashMap.newKeySet();
  private final List<FailedTask> failures = new ArrayList<>();
  private final Runnable onFirstFailure;

  StageFailureListener(String runId, Runnable onFirstFailure) {
    this.runId = runId;
    this.onFirstFailure = onFirstFailure;
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
    String where = "task " + taskEnd.taskInfo().index() + " of Spark stage " + taskEnd.stageId()
        + " on executor " + taskEnd.taskInfo().executorId();
    FailedTask failed;
    if (reason instanceof ExceptionFailure e) {
      Throwable cause = e.exception().isDefined() ? e.exception().get()
          : new RealTimeQueryRun.TaskFailure(e.className() + ": " + e.description());
      String trace = e.fullStackTrace() == null ? "" : e.fullStackTrace();
      failed = new FailedTask(where, cause, ECHOES.stream().anyMatch(trace::contains));
    } else {
      failed = new FailedTask(where, new RealTimeQueryRun.TaskFailure(reason.toErrorString()), false);
    }
    boolean first;
    synchronized (this) {
      first = failures.isEmpty();
      if (failures.size() < MAX_KEPT) {
        failures.add(failed);
      }
      notifyAll();
    }
    if (first) {
      onFirstFailure.run();
    }
  }

  /**
   * The failure to report: the first one that is not an echo of another, waiting up to
   * {@code graceMs} for it after the first failure; else the first failure.
   */
  synchronized Optional<FailedTask> cause(long graceMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    while (true) {
      Optional<FailedTask> own = failures.stream().filter(f -> !f.echo()).findFirst();
      long left = deadline - System.nanoTime();
      if (own.isPresent() || left <= 0 || failures.isEmpty()) {
        return own.isPresent() ? own : failures.stream().findFirst();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
