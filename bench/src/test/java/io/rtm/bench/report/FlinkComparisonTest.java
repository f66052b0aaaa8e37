package io.rtm.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.RunSpec;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkComparisonTest {
  private static RunResult ran(Workload w, Mode mode, int rate, long p99Us, double outPerSec, long rssBytes) {
    RunSpec spec = new RunSpec(w, mode, rate, Duration.ofSeconds(10), Duration.ofSeconds(10), 0);
    LatencySummary latency = new LatencySummary(100, p99Us / 4, p99Us / 2, p99Us, p99Us * 2, p99Us * 3, outPerSec, 0);
    return new RunResult(spec, RunResult.Status.OK, null, null, null, latency, 100, rate, 100, 1 << 20, rssBytes,
        5, 5, 10, 20, null, null, new double[0]);
  }

  @Test
  void eachPluginRunIsPairedWithTheFlinkRunOfTheSameIntervalWorkloadAndRate() {
    List<RunResult> results = List.of(
        ran(Workload.STATELESS, Mode.PLUGIN_100MS, 1_000, 10_000, 1_000, 100),
        ran(Workload.STATELESS, Mode.PLUGIN_1S, 1_000, 10_000, 1_000, 100),
        ran(Workload.STATELESS, Mode.FLINK_1S, 1_000, 20_000, 1_000, 200),
        ran(Workload.STATELESS, Mode.FLINK_100MS, 10_000, 20_000, 1_000, 200),
        ran(Workload.SHUFFLE, Mode.FLINK_100MS, 1_000, 20_000, 1_000, 200),
        ran(Workload.STATELESS, Mode.MICROBATCH, 1_000, 900_000, 1_000, 200));

    List<FlinkComparison.Pair> pairs = FlinkComparison.pairs(results);

    assertThat(pairs).singleElement().satisfies(p -> {
      assertThat(p.plugin().spec().mode()).isEqualTo(Mode.PLUGIN_1S);
      assertThat(p.flink().spec().mode()).isEqualTo(Mode.FLINK_1S);
    });
  }

  @Test
  void theTableDividesThePluginsNumbersByFlinks() {
    List<RunResult> results = List.of(
        ran(Workload.AGGREGATION, Mode.PLUGIN_100MS, 10_000, 10_000, 5_000, 300),
        ran(Workload.AGGREGATION, Mode.FLINK_100MS, 10_000, 40_000, 10_000, 600));

    String table = FlinkComparison.table(Workload.AGGREGATION, results);

    // p50 (2.5 / 10 ms), p99, p99.9, max all 0.25; out/s 0.5; heap 1; RSS 0.5.
    assertThat(table).contains("| plugin-100ms | flink-100ms | 10000 | 0.25× | 0.25× | 0.25× | 0.25× | 0.50× | 1.00× | 0.50× |");
    assertThat(FlinkComparison.table(Workload.STATELESS, results)).isEmpty();
  }

  @Test
  void aFailedSideIsNamedInsteadOfARatio() {
    RunSpec spec = new RunSpec(Workload.FRAUD, Mode.PLUGIN_100MS, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(10), 0);
    List<RunResult> results = List.of(
        new RunResult(spec, RunResult.Status.UNSUPPORTED, "SOME_CONDITION", "no", null, null, 0, 0, 0, -1, -1,
            0, 0, 0, 0, null, null, new double[0]),
        ran(Workload.FRAUD, Mode.FLINK_100MS, 1_000, 40_000, 10_000, 600));

    assertThat(FlinkComparison.table(Workload.FRAUD, results)).contains("plugin-100ms unsupported (SOME_CONDITION)");
  }
}
