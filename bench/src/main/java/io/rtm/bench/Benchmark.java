package io.rtm.bench;

import io.rtm.bench.cli.Flags;
import io.rtm.bench.report.ReportWriter;
import io.rtm.bench.run.BenchmarkRunner;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.QuickVerdict;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.RunSpec;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * The latency benchmark: every workload under every mode, in one run on one local broker,
 * reported in {@code <results>/<timestamp>/results.md} with {@code results.json} and PNG plots.
 *
 * <pre>
 * --quick                  correctness smoke test (exit 1 unless every output is complete)
 * --workloads a,b          of stateless, shuffle, aggregation, fraud, fraud-final, join (default all)
 * --modes a,b              of plugin-100ms, plugin-1s, plugin-10s, microbatch, microbatch-0s,
 *                          continuous, realtime, realtime-5s, relay, flink-100ms, flink-1s,
 *                          flink-10s (default all)
 * --rates 1000,10000       events/s
 * --warmup-s 10 --window-s 10
 * --results bench/results  --plugin-jar rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar
 * --plan                   print the runs the other flags select and exit, measuring nothing
 * </pre>
 */
public final class Benchmark {
  private static final Set<String> VALUES =
      Set.of("workloads", "modes", "rates", "warmup-s", "window-s", "results", "plugin-jar");

  /** What a run left: its folder, every cell's result, and (quick mode) the verdict. */
  public record Outcome(Path dir, List<RunResult> results, QuickVerdict verdict) {}

  private Benchmark() {}

  public static void main(String[] argv) {
    Flags flags = Flags.parse(argv, VALUES, Set.of("quick", "plan"));
    Plan plan = plan(flags);
    if (flags.has("plan")) {
      // Lets the docs' commands be checked in CI (DocsCommandsIT) without their minutes of measuring.
      printPlan(plan, System.out);
      System.exit(0);
    }
    Path pluginJar = Path.of(flags.value("plugin-jar", "rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar"));
    Outcome outcome = run(plan, pluginJar, Path.of(flags.value("results", "bench/results")), System.out);
    System.out.println("report: " + outcome.dir().resolve("results.md").toAbsolutePath());
    if (plan.quick()) {
      if (!outcome.verdict().passed()) {
        System.out.println("QUICK CHECK FAILED:");
        outcome.verdict().problems().forEach(p -> System.out.println("  " + p));
        System.exit(1);
      }
      System.out.println("quick check passed: every mode produced complete, correct output");
    }
    System.exit(0);
  }

  public static Outcome run(Plan plan, Path pluginJar, Path resultsRoot, PrintStream progress) {
    String started = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = resultsRoot.resolve(started + (plan.quick() ? "-quick" : ""));
    long t0 = System.nanoTime();
    List<RunResult> results = new BenchmarkRunner(plan, pluginJar.toAbsolutePath(), dir, progress).run();
    ReportWriter.write(dir, started, plan, results);
    progress.printf("%d runs in %.1f min%n", results.size(), (System.nanoTime() - t0) / 60e9);
    return new Outcome(dir, results, QuickVerdict.of(results));
  }

  static void printPlan(Plan plan, PrintStream out) {
    List<RunSpec> specs = plan.specs();
    out.printf("plan: %d runs%s%n", specs.size(), plan.quick() ? " (quick: exact event counts, output checked)" : "");
    for (RunSpec spec : specs) {
      out.printf("  %s: %d events/s, warm-up %d s, window %d s%n", spec.id(), spec.rate(),
          spec.warmup().toSeconds(), spec.window().toSeconds());
    }
  }

  static Plan plan(Flags flags) {
    Plan base = flags.has("quick") ? Plan.quickPlan() : Plan.fullPlan();
    List<Workload> workloads = flags.list("workloads", null) == null
        ? base.workloads() : flags.list("workloads", null).stream().map(Workload::byId).toList();
    List<Mode> modes = flags.list("modes", null) == null
        ? base.modes() : flags.list("modes", null).stream().map(Mode::byId).toList();
    List<Integer> rates = flags.list("rates", null) == null
        ? base.rates() : flags.list("rates", null).stream().map(Integer::parseInt).toList();
    Duration warmup = Duration.ofMillis((long) (flags.doubleValue("warmup-s", base.warmup().toMillis() / 1e3) * 1000));
    Duration window = Duration.ofMillis((long) (flags.doubleValue("window-s", base.window().toMillis() / 1e3) * 1000));
    return base.with(workloads, modes, rates, warmup, window);
  }
}
