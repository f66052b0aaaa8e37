package io.rtm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.bench.cli.Flags;
import io.rtm.bench.run.Plan;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchmarkFlagsTest {
  private static final Set<String> VALUES = Set.of("workloads", "modes", "rates", "warmup-s", "warmup-ramp-s", "window-s", "results",
      "plugin-jar", "search-start", "search-factor", "search-max", "search-settle-s", "search-step-s", "search-p99-ms",
      "search-lag-growth");

  private static Plan plan(String... argv) {
    return Benchmark.plan(Flags.parse(argv, VALUES, Set.of("quick", "search-rate")));
  }

  @Test
  void searchFlagsBuildTheSearch() {
    Plan plan = plan("--search-rate", "--workloads", "stateless", "--modes", "plugin-100ms,microbatch",
        "--search-start", "1000", "--search-factor", "2", "--search-max", "8000", "--search-step-s", "4",
        "--search-settle-s", "1.5", "--search-p99-ms", "500", "--search-lag-growth", "0.05");
    assertThat(plan.searches()).isTrue();
    assertThat(plan.search().ladder()).containsExactly(1_000, 2_000, 4_000, 8_000);
    assertThat(plan.search().window()).isEqualTo(Duration.ofSeconds(4));
    assertThat(plan.search().settle()).isEqualTo(Duration.ofMillis(1_500));
    assertThat(plan.search().p99BoundUs()).isEqualTo(500_000);
    assertThat(plan.search().lagGrowthFraction()).isEqualTo(0.05);
    assertThat(plan("--modes", "relay").searches()).isFalse();
  }

  @Test
  void quickAndSearchDoNotMix() {
    assertThatThrownBy(() -> plan("--quick", "--search-rate")).hasMessageContaining("--search-rate");
  }

  @Test
  void namedWorkloadsRunUnderEveryNamedModeInQuickMode() {
    Plan named = plan("--quick", "--workloads", "aggregation", "--modes", "plugin-100ms,flink-100ms");
    assertThat(named.modesFor(Workload.AGGREGATION)).containsExactly(Mode.PLUGIN_100MS, Mode.FLINK_100MS);
    // Without --workloads the quick plan keeps the running count under Flink only.
    Plan unnamed = plan("--quick", "--modes", "plugin-100ms,flink-100ms");
    assertThat(unnamed.modesFor(Workload.AGGREGATION)).containsExactly(Mode.FLINK_100MS);
  }

  @Test
  void aWarmupRampIsThePartOfEveryRunsWarmupAtRisingRates() {
    Plan plan = plan("--workloads", "aggregation", "--modes", "plugin-100ms,flink-100ms", "--rates", "10000",
        "--warmup-s", "60", "--warmup-ramp-s", "30");
    assertThat(plan.specs()).hasSize(2).allSatisfy(spec -> {
      assertThat(spec.ramp()).isEqualTo(Duration.ofSeconds(30));
      assertThat(spec.warmup()).isEqualTo(Duration.ofSeconds(60));
    });
    assertThat(plan("--modes", "relay").specs()).allSatisfy(spec -> assertThat(spec.ramp()).isZero());
  }

  @Test
  void aRampLongerThanTheWarmupOrOutsideFixedRateRunsIsRefused() {
    assertThatThrownBy(() -> plan("--warmup-s", "10", "--warmup-ramp-s", "20")).hasMessageContaining("--warmup-s");
    assertThatThrownBy(() -> plan("--quick", "--warmup-ramp-s", "1")).hasMessageContaining("--quick");
    assertThatThrownBy(() -> plan("--search-rate", "--warmup-ramp-s", "5", "--warmup-s", "20"))
        .hasMessageContaining("--search-rate");
  }
}
