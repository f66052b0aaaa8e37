package io.rtm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.run.Plan;
import io.rtm.bench.run.RunResult;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark's quick mode as a test: the per-event workloads under the relay, the plugin's
 * real-time mode and stock micro-batch, each in its own JVM against a real broker, with every
 * output checked id by id. It asserts completeness and correctness only, never a timing.
 */
class BenchmarkQuickIT {
  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyModeProducesCompleteAndCorrectOutput() {
    Path pluginJar = Path.of(System.getProperty("rtm.plugin.jar", "../rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"));
    Path results = Path.of(System.getProperty("rtm.bench.work.dir", "target/bench-it"));

    Benchmark.Outcome outcome = Benchmark.run(Plan.quickPlan(), pluginJar, results, System.out);

    assertThat(outcome.verdict().problems()).isEmpty();
    assertThat(outcome.results()).hasSize(6).allMatch(RunResult::ok);
    assertThat(outcome.dir().resolve("results.md")).isRegularFile();
    assertThat(outcome.dir().resolve("results.json")).isRegularFile();
    assertThat(outcome.dir().resolve("plots/cdf-shuffle-500.png")).isRegularFile();
  }
}
