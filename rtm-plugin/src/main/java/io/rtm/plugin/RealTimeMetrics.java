package io.rtm.plugin;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The figures of real-time epochs in Spark's metrics system: the driver plugin's metric registry,
 * which Spark publishes as the source {@code plugin.io.rtm.plugin.RealTimeModePlugin} to every
 * configured sink (JMX, Prometheus servlet, CSV...). Counters add up over every real-time query of
 * the application; gauges show the most recently reported epoch of any of them (per-query figures
 * are in each query's progress). Metric names are listed in docs/tuning.md.
 *
 * <p>Spark registers a plugin's source only when its registry holds metrics at {@code init}, so
 * every metric is created up front.
 */
final class RealTimeMetrics {
  private final Counter epochs;
  private final Counter inputRows;
  private final Counter outputRows;
  private final Counter droppedByWatermark;
  private final Counter backpressureMs;
  private final AtomicLong lastEpoch = new AtomicLong(-1);
  private final AtomicLong latencyP50Micros = new AtomicLong();
  private final AtomicLong latencyP99Micros = new AtomicLong();
  private final AtomicLong latencyMaxMicros = new AtomicLong();
  private final AtomicLong shuffleQueuedBuffers = new AtomicLong();
  private final AtomicLong sourceQueuedRows = new AtomicLong();
  private final AtomicLong stateRows = new AtomicLong();
  private final AtomicLong stateMemoryBytes = new AtomicLong();
  private final AtomicLong watermarkMs = new AtomicLong();

  RealTimeMetrics(MetricRegistry registry) {
    epochs = registry.counter("epochs");
    inputRows = registry.counter("inputRows");
    outputRows = registry.counter("outputRows");
    droppedByWatermark = registry.counter("rowsDroppedByWatermark");
    backpressureMs = registry.counter("shuffleBackpressureMs");
    gauge(registry, "lastEpochId", lastEpoch);
    registry.register("latencyP50Ms", (Gauge<Double>) () -> latencyP50Micros.get() / 1000.0);
    registry.register("latencyP99Ms", (Gauge<Double>) () -> latencyP99Micros.get() / 1000.0);
    registry.register("latencyMaxMs", (Gauge<Double>) () -> latencyMaxMicros.get() / 1000.0);
    gauge(registry, "shuffleQueuedBuffers", shuffleQueuedBuffers);
    gauge(registry, "sourceQueuedRows", sourceQueuedRows);
    gauge(registry, "stateRows", stateRows);
    gauge(registry, "stateMemoryBytes", stateMemoryBytes);
    gauge(registry, "watermarkMs", watermarkMs);
  }

  private static void gauge(MetricRegistry registry, String name, AtomicLong value) {
    registry.register(name, (Gauge<Long>) value::get);
  }

  /** One reported epoch of some real-time query. */
  void epochReported(EpochProgressReporter.EpochFigures e) {
    epochs.inc();
    inputRows.inc(e.inputRows());
    if (e.outputRows() > 0) {
      outputRows.inc(e.outputRows());
    }
    droppedByWatermark.inc(e.rowsDroppedByWatermark());
    backpressureMs.inc(e.backpressureNanos() / 1_000_000);
    lastEpoch.set(e.epoch());
    latencyP50Micros.set(e.latencyP50Micros());
    latencyP99Micros.set(e.latencyP99Micros());
    latencyMaxMicros.set(e.latencyMaxMicros());
    shuffleQueuedBuffers.set(e.shuffleQueuedBuffers());
    sourceQueuedRows.set(e.sourceQueuedRows());
    stateRows.set(e.stateRows());
    stateMemoryBytes.set(e.stateMemoryBytes());
    if (e.watermarkMs() != Long.MIN_VALUE) {
      watermarkMs.set(e.watermarkMs());
    }
  }
}
