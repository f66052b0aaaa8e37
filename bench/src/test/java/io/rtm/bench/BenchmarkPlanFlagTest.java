package io.rtm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.bench.cli.Flags;
import io.rtm.bench.run.Plan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code --plan}: the runs the flags select, printed without measuring (DocsCommandsIT relies on it). */
class BenchmarkPlanFlagTest {
  private static final Set<String> VALUES =
      Set.of("workloads", "modes", "rates", "warmup-s", "window-s", "results", "plugin-jar");

  private static String printed(String... argv) {
    Plan plan = Benchmark.plan(Flags.parse(argv, VALUES, Set.of("quick", "plan")));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Benchmark.printPlan(plan, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theQuickPlanListsTheNineRunsOfBenchmarkQuickIT() {
    String out = printed("--quick", "--plan");
    assertThat(out).startsWith("plan: 9 runs (quick");
    assertThat(out.lines().skip(1)).hasSize(9).anyMatch(l -> l.startsWith("  aggregation-flink-100ms-1000:"));
  }

  @Test
  void flagsNarrowThePlanAndWindowsStretchToFiveBoundaries() {
    String out = printed("--workloads", "stateless", "--modes", "plugin-1s,flink-1s", "--rates", "10000",
        "--warmup-s", "20", "--plan");
    assertThat(out.lines()).containsExactly("plan: 2 runs",
        "  stateless-plugin-1s-10000: 10000 events/s, warm-up 20 s, window 10 s",
        "  stateless-flink-1s-10000: 10000 events/s, warm-up 20 s, window 10 s");
  }

  @Test
  void anUnknownModeFailsInsteadOfPrintingAPlan() {
    assertThatThrownBy(() -> printed("--modes", "plugin-2s", "--plan")).isInstanceOf(IllegalArgumentException.class);
  }
}
