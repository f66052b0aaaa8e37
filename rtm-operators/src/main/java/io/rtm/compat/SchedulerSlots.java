package io.rtm.compat;

import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;

/**
 * Task slots of the cluster as the scheduler sees them. {@code maxNumConcurrentTasks} is
 * {@code private[spark]} (public in bytecode), checked against Spark 4.2.0 {@code SparkContext.scala}.
 */
public final class SchedulerSlots {
  private SchedulerSlots() {}

  /** Slots of all registered executors (or of the local master), busy or not. */
  public static int total(SparkContext sc) {
    return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
  }

  /** Tasks running right now in any job of the application. */
  public static int busy(SparkContext sc) {
    int busy = 0;
    for (int stageId : sc.statusTracker().getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = sc.statusTracker().getStageInfo(stageId);
      if (info.isDefined()) {
        busy += info.get().numActiveTasks();
      }
    }
    return busy;
  }
}
