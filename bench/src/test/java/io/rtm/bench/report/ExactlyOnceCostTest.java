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

class ExactlyOnceCostTest {
  private static RunResult ran(Workload w, Mode mode, int rate, long p50Us, long p99Us, long maxUs) {
    RunSpec spec = new RunSpec(w, mode, rate, Duration.ofSeconds(10), Duration.ofSeconds(10), 0);
    LatencySummary latency = new LatencySummary(100, p50Us, p50Us, p99Us, p99Us, maxUs, 1_000, 0);
    return new RunResult(spec, RunResult.Status.OK, null, null, null, latency, 100, rate, 100, 1 << 20, 1 << 20,
        5, 5, 10, 20, null, null, new double[0]);
  }

  @Test
  void eachExactlyOnceRunIsPairedWithTheAtLeastOnceRunOfTheSameIntervalWorkloadAndRate() {
    List<RunResult> results = List.of(
        ran(Workload.STATELESS, Mode.PLUGIN_100MS, 10_000, 5_000, 20_000, 40_000),
        ran(Workload.STATELESS, Mode.PLUGIN_EOS_100MS, 10_000, 150_000, 300_000, 400_000),
        ran(Workload.STATELESS, Mode.PLUGIN_EOS_1S, 10_000, 1_000_000, 1_200_000, 1_300_000),
        ran(Workload.STATELESS, Mode.PLUGIN_1S, 1_000, 5_000, 20_000, 40_000),
        ran(Workload.AGGREGATION, Mode.PLUGIN_1S, 10_000, 5_000, 20_000, 40_000),
        ran(Workload.STATELESS, Mode.PLUGIN_10S, 10_000, 5_000, 20_000, 40_000));

    List<ExactlyOnceCost.Pair> pairs = ExactlyOnceCost.pairs(results);

    // plugin-eos-1s has no plugin-1s run at 10,000/s of the stateless workload: no pair.
    assertThat(pairs).singleElement().satisfies(p -> {
      assertThat(p.exactlyOnce().spec().mode()).isEqualTo(Mode.PLUGIN_EOS_100MS);
      assertThat(p.atLeastOnce().spec().mode()).isEqualTo(Mode.PLUGIN_100MS);
      assertThat(p.p50Ratio()).isEqualTo(30.0);
      assertThat(p.p99Ratio()).isEqualTo(15.0);
      assertThat(p.maxRatio()).isEqualTo(10.0);
    });
  }

  @Test
  void aRatioNeedsAKnownPositiveBase() {
    assertThat(ExactlyOnceCost.ratio(300, 100)).isEqualTo(3.0);
    assertThat(ExactlyOnceCost.ratio(300, 0)).isNaN();
    assertThat(ExactlyOnceCost.ratio(-1, 100)).isNaN();
  }

  @Test
  void theTableShowsBothSidesAndTheirRatiosPerWorkload() {
    List<RunResult> results = List.of(
        ran(Workload.AGGREGATION, Mode.PLUGIN_1S, 10_000, 20_000, 50_000, 100_000),
        ran(Workload.AGGREGATION, Mode.PLUGIN_EOS_1S, 10_000, 1_100_000, 1_500_000, 2_000_000));

    String table = ExactlyOnceCost.table(Workload.AGGREGATION, results);

    assertThat(table).contains("| plugin-eos-1s | plugin-1s | 10000 | 1100 / 20.0 | 1500 / 50.0 | 2000 / 100 |"
        + " 55.00× | 30.00× | 20.00× |");
    assertThat(ExactlyOnceCost.table(Workload.STATELESS, results)).isEmpty();
    assertThat(ExactlyOnceCost.json(results)).singleElement().satisfies(m -> {
      assertThat(m).containsEntry("exactly_once_mode", "plugin-eos-1s").containsEntry("at_least_once_mode", "plugin-1s");
      assertThat(m).containsEntry("p50_ratio", 55.0).containsEntry("p99_ratio", 30.0).containsEntry("max_ratio", 20.0);
    });
  }

  @Test
  void aFailedSideIsNamedInsteadOfARatio() {
    RunSpec spec = new RunSpec(Workload.STATELESS, Mode.PLUGIN_EOS_100MS, 10_000, Duration.ofSeconds(10),
        Duration.ofSeconds(10), 0);
    List<RunResult> results = List.of(
        new RunResult(spec, RunResult.Status.FAILED, "TimeoutException", "no", null, null, 0, 0, 0, -1, -1,
            0, 0, 0, 0, null, null, new double[0]),
        ran(Workload.STATELESS, Mode.PLUGIN_100MS, 10_000, 5_000, 20_000, 40_000));

    assertThat(ExactlyOnceCost.table(Workload.STATELESS, results))
        .contains("| plugin-eos-100ms | plugin-100ms | 10000 | plugin-eos-100ms failed (TimeoutException) |");
    assertThat(ExactlyOnceCost.json(results)).singleElement()
        .satisfies(m -> assertThat(m.get("p99_ratio")).isNull());
  }
}
