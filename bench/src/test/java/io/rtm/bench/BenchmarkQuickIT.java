package io.rtm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.rtm.bench.run.CrossModeCheck;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.search.RateSearch;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's quick mode as a test: the per-event workloads under the relay, the plugin's
 * real-time mode, stock micro-batch and Apache Flink, and the keyed running count under Flink,
 * each in its own JVM against a real broker, with every output checked id by id (for the running
 * count: every (account, count, total) update). It asserts completeness and correctness only,
 * never a timing.
 */
class BenchmarkQuickIT {
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyModeProducesCompleteAndCorrectOutput() {
    Path pluginJar = Path.of(System.getProperty("rtm.plugin.jar", "../rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"));
    Path results = Path.of(System.getProperty("rtm.bench.work.dir", "target/bench-it"));

    Benchmark.Outcome outcome = Benchmark.run(Plan.quickPlan(), pluginJar, results, System.out);

    assertThat(outcome.verdict().problems()).isEmpty();
    assertThat(outcome.results()).hasSize(9).allMatch(RunResult::ok).allMatch(r -> r.check() != null);
    assertThat(outcome.results()).filteredOn(r -> r.spec().mode() == Mode.FLINK_100MS)
        .extracting(r -> r.spec().workload())
        .containsExactly(Workload.STATELESS, Workload.SHUFFLE, Workload.AGGREGATION);
    assertThat(outcome.results()).filteredOn(r -> r.spec().mode() == Mode.FLINK_100MS)
        .allMatch(r -> r.epochsTotal() > 0, "reported completed checkpoints");
    // The modes' final outputs agree with each other, not only each with the expected output.
    assertThat(CrossModeCheck.of(outcome.results()))
        .extracting(c -> c.workload(), c -> c.modes().size(), CrossModeCheck::agree)
        .containsExactly(tuple(Workload.STATELESS, 4, true), tuple(Workload.SHUFFLE, 4, true));
    assertThat(outcome.dir().resolve("results.md")).isRegularFile();
    assertThat(outcome.dir().resolve("results.json")).isRegularFile();
    assertThat(outcome.dir().resolve("plots/cdf-shuffle-1000.png")).isRegularFile();
    assertThat(outcome.dir().resolve("plots/versus-stateless-1000-plugin-100ms-flink-100ms.png")).isRegularFile();
  }

  /**
   * The exactly-once Kafka sink in the quick plan's form, which the default quick plan leaves out to
   * stay within its 3 minutes: the stateless workload under {@code plugin-eos-100ms}, exactly 2,000
   * events, read by the {@code read_committed} consumer the mode measures with; every kept event must
   * come out exactly once (a duplicate fails an exactly-once mode's check). No timing is asserted.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void theExactlyOnceSinkWritesEveryKeptEventOnceForAReadCommittedConsumer() {
    Path pluginJar = Path.of(System.getProperty("rtm.plugin.jar", "../rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"));
    Path results = Path.of(System.getProperty("rtm.bench.work.dir", "target/bench-it"));
    Plan quick = Plan.quickPlan();
    Plan plan = quick.with(List.of(Workload.STATELESS), List.of(Mode.PLUGIN_EOS_100MS), quick.rates(), quick.warmup(),
        quick.window()).withoutModeLimits();

    Benchmark.Outcome outcome = Benchmark.run(plan, pluginJar, results, System.out);

    assertThat(outcome.verdict().problems()).isEmpty();
    assertThat(outcome.results()).singleElement().satisfies(r -> {
      assertThat(r.ok()).isTrue();
      assertThat(r.spec().mode()).isEqualTo(Mode.PLUGIN_EOS_100MS);
      assertThat(r.check().missing()).isZero();
      assertThat(r.check().duplicates()).isZero();
      assertThat(r.check().distinct()).isEqualTo(r.check().expected()).isPositive();
      assertThat(r.epochsTotal()).isPositive();
    });
  }

  /**
   * The sustainable-rate search end to end in its smallest form: the relay (no Spark, seconds to
   * start), two short steps. It asserts that the search ran its steps and reported them, not which
   * rate was sustainable (that would be a timing); its verdict logic is unit-tested.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void theRateSearchRunsItsStepsAndReportsThem() {
    Path pluginJar = Path.of(System.getProperty("rtm.plugin.jar", "../rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"));
    Path results = Path.of(System.getProperty("rtm.bench.work.dir", "target/bench-it"));
    RateSearch search = new RateSearch(1_000, 2, 2_000, Duration.ofSeconds(1), Duration.ofSeconds(2), 1_000_000, 0.1,
        Duration.ofMillis(250));
    Plan plan = Plan.fullPlan()
        .with(List.of(Workload.STATELESS), List.of(Mode.RELAY), List.of(1_000), Duration.ofSeconds(2), Duration.ZERO)
        .searching(search);

    Benchmark.Outcome outcome = Benchmark.run(plan, pluginJar, results, System.out);

    assertThat(outcome.results()).isEmpty();
    assertThat(outcome.searches()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(RunResult.Status.OK);
      assertThat(r.steps()).isNotEmpty();
      assertThat(r.steps().get(0).rate()).isEqualTo(1_000);
      assertThat(r.steps()).allSatisfy(step -> {
        assertThat(step.offeredPerSec()).isPositive();
        assertThat(step.latency().count()).isPositive();
      });
    });
    assertThat(outcome.dir().resolve("results.md")).content().contains("## Sustainable rate", "Steps of stateless / relay");
    assertThat(outcome.dir().resolve("results.json")).content().contains("\"searches\"");
  }
}
