package io.rtm.operators.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One executor's share of the real-time figures in Spark's metrics system: what the stage tasks of
 * this JVM did, added at every task's epoch end (never per row). Registered in the executor
 * plugin's metric registry, which Spark publishes as the executor's source
 * {@code plugin.io.rtm.plugin.RealTimeModePlugin}; the driver's source of the same name has the
 * query-wide figures (in local mode only that one exists, as both would share one metrics system).
 */
public final class ExecutorMetrics {
  private final Counter taskEpochs;
  private final Counter rowsIn;
  private final Counter rowsOut;
  private final Counter latencySamples;
  private final AtomicLong backpressureNanos = new AtomicLong();

  public ExecutorMetrics(MetricRegistry registry) {
    taskEpochs = registry.counter("taskEpochs");
    rowsIn = registry.counter("rowsIn");
    rowsOut = registry.counter("rowsOut");
    latencySamples = registry.counter("latencySamples");
    registry.register("shuffleBackpressureMs", (Gauge<Long>) () -> backpressureNanos.get() / 1_000_000);
  }

  public void epochEnded(EpochStats task) {
    taskEpochs.inc(task.tasks());
    rowsIn.inc(task.rowsIn());
    rowsOut.inc(task.rowsOut());
    latencySamples.inc(task.latency().count());
    backpressureNanos.addAndGet(task.backpressureNanos());
  }
}
