package io.rtm.it;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads the late-row counter of real-time stateful operators (SQLMetric
 * {@code numRowsDroppedByWatermark}) as executors report it for running tasks in their heartbeats:
 * real-time tasks never end while the query runs, so the driver-side metric only moves at the end.
 * Only stages of real-time jobs count, so a micro-batch run's own operators are left out.
 */
final class WatermarkDropCounter extends SparkListener {
  static final String METRIC_NAME = "number of rows which are dropped by watermark";

  private final Set<Integer> realTimeStages = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> latestPerTaskAndMetric = new ConcurrentHashMap<>();

  @Override
  public void onJobStart(SparkListenerJobStart job) {
    String description = job.properties() == null ? null : job.properties().getProperty("spark.job.description");
    if (description != null && description.startsWith("real-time")) {
      for (Object stage : CollectionConverters.asJava(job.stageIds())) {
        realTimeStages.add((Integer) stage);
      }
    }
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
        : CollectionConverters.asJava(update.accumUpdates())) {
      if (!realTimeStages.contains((Integer) task._2())) {
        continue;
      }
      for (AccumulableInfo info : CollectionConverters.asJava(task._4())) {
        if (info.name().isDefined() && METRIC_NAME.equals(info.name().get()) && info.update().isDefined()) {
          latestPerTaskAndMetric.put(task._1() + "/" + info.id(), ((Number) info.update().get()).longValue());
        }
      }
    }
  }

  /** Rows dropped as late over every real-time task seen since this listener was added. */
  long total() {
    return latestPerTaskAndMetric.values().stream().mapToLong(Long::longValue).sum();
  }
}
