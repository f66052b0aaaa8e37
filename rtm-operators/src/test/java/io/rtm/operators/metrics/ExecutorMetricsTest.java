package io.rtm.operators.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorMetricsTest {
  @Test
  void everyTaskEpochAddsToTheExecutorsCounters() {
    MetricRegistry registry = new MetricRegistry();
    ExecutorMetrics metrics = new ExecutorMetrics(registry);
    assertThat(registry.getNames()).contains("taskEpochs", "rowsIn", "rowsOut", "latencySamples",
        "shuffleBackpressureMs");
    LatencyHistogram h = new LatencyHistogram();
    h.record(10);
    h.record(20);
    metrics.epochEnded(EpochStats.ofTask("r", 1, true, true, 5, 2, h, 1_500_000, 0, 0, 0, List.of()));
    metrics.epochEnded(EpochStats.ofTask("r", 2, true, true, 3, 1, new LatencyHistogram(), 1_000_000, 0, 0, 0,
        List.of()));
    assertThat(registry.counter("taskEpochs").getCount()).isEqualTo(2);
    assertThat(registry.counter("rowsIn").getCount()).isEqualTo(8);
    assertThat(registry.counter("rowsOut").getCount()).isEqualTo(3);
    assertThat(registry.counter("latencySamples").getCount()).isEqualTo(2);
    assertThat(registry.getGauges().get("shuffleBackpressureMs").getValue()).isEqualTo(2L);
  }
}
