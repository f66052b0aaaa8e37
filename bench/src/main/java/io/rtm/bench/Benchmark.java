package io.rtm.bench;

import io.rtm.bench.cli.Flags;
import io.rtm.bench.report.ReportWriter;
import io.rtm.bench.run.BenchmarkRunner;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.QuickVerdict;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.RunSpec;
import io.rtm.bench.search.RateSearch;
import io.rtm.bench.search.SearchResult;
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
 * --workloads a,b          of stateless, shuffle, aggregation, fraud, fraud-final, join (default all;
 *                          named workloads run under every mode named, even in quick mode)
 * --modes a,b              of plugin-100ms, plugin-1s, plugin-10s, plugin-eos-100ms, plugin-eos-1s, plugin-tcp-100ms
 *                          (the exactly-once Kafka sink, read_committed), microbatch, microbatch-0s,
 *                          continuous, realtime, realtime-5s, relay, flink-100ms, flink-1s,
 *                          flink-10s (default all)
 * --rates 1000,10000       events/s
 * --warmup-s 10 --window-s 10
 * --warmup-ramp-s 0        the first part of the warm-up at rising rates: ten steps from a tenth of
 *                          the rate to the full rate (0: the full rate from the first event)
 * --search-rate            search each workload and mode for its highest sustainable rate instead
 *                          of measuring fixed rates (see docs/benchmarks.md), with
 *   --search-start 5000 --search-factor 1.5 --search-max 200000   the rates tried
 *   --search-settle-s 3 --search-step-s 8   each step: settle (not judged), then the judged window
 *   --search-p99-ms 1000   p99 bound of a sustainable step
 *   --search-lag-growth 0.1   lag growth allowed over a window, as a fraction of the window
 * --results bench/results  --plugin-jar rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar
 * --plan                   print the runs the other flags select and exit, measuring nothing
 * </pre>
 */
public final class Benchmark {
  private static final Set<String> VALUES =
      Set.of("workloads", "modes", "rates", "warmup-s", "warmup-ramp-s", "window-s", "results", "plugin-jar", "search-start",
          "search-factor", "search-max", "search-settle-s", "search-step-s", "search-p99-ms", "search-lag-growth");

  /** What a run left: its folder, every cell's result, and (quick mode) the verdict. */
  public record Outcome(Path dir, List<RunResult> results, List<SearchResult> searches, QuickVerdict verdict) {}

  private Benchmark() {}

  public static void main(String[] argv) {
    Flags flags = Flags.parse(argv, VALUES, Set.of("quick", "plan", "search-rate"));
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
    BenchmarkRunner runner = new BenchmarkRunner(plan, pluginJar.toAbsolutePath(), dir, progress);
    List<RunResult> results = plan.searches() ? List.of() : runner.run();
    List<SearchResult> searches = plan.searches() ? runner.search() : List.of();
    ReportWriter.write(dir, started, plan, results, searches);
    progress.printf("%d runs in %.1f min%n", results.size() + searches.size(), (System.nanoTime() - t0) / 60e9);
    return new Outcome(dir, results, searches, QuickVerdict.of(results));
  }

  static void printPlan(Plan plan, PrintStream out) {
    List<RunSpec> specs = plan.specs();
    out.printf("plan: %d runs%s%n", specs.size(), plan.quick() ? " (quick: exact event counts, output checked)" : "");
    for (RunSpec spec : specs) {
      out.printf("  %s: %d events/s, warm-up %d s%s, window %d s%n", spec.id(), spec.rate(),
          spec.warmup().toSeconds(), spec.ramp().isZero() ? "" : " (rising for the first " + spec.ramp().toSeconds() + " s)",
          spec.window().toSeconds());
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
    Plan plan = base.with(workloads, modes, rates, warmup, window)
        .withRamp(Duration.ofMillis((long) (flags.doubleValue("warmup-ramp-s", 0) * 1000)));
    if (flags.list("workloads", null) != null) {
      plan = plan.withoutModeLimits();
    }
    if (!plan.ramp().isZero() && (plan.quick() || flags.has("search-rate"))) {
      throw new IllegalArgumentException("--warmup-ramp-s is for fixed-rate runs: --quick sends an exact number of events"
          + " at one rate and --search-rate starts at --search-start");
    }
    if (plan.ramp().compareTo(plan.warmup()) > 0) {
      throw new IllegalArgumentException("--warmup-ramp-s is the first part of the warm-up: at most --warmup-s ("
          + plan.warmup().toMillis() / 1e3 + " s)");
    }
    if (flags.has("search-rate")) {
      if (plan.quick()) {
        throw new IllegalArgumentException("--search-rate measures rates; --quick checks output: run them apart");
      }
      plan = plan.searching(rateSearch(flags));
    }
    return plan;
  }

  static RateSearch rateSearch(Flags flags) {
    RateSearch d = RateSearch.defaults();
    return new RateSearch(
        flags.intValue("search-start", d.startRate()),
        flags.doubleValue("search-factor", d.factor()),
        flags.intValue("search-max", d.maxRate()),
        Duration.ofMillis((long) (flags.doubleValue("search-settle-s", d.settle().toMillis() / 1e3) * 1000)),
        Duration.ofMillis((long) (flags.doubleValue("search-step-s", d.window().toMillis() / 1e3) * 1000)),
        (long) (flags.doubleValue("search-p99-ms", d.p99BoundUs() / 1e3) * 1000),
        flags.doubleValue("search-lag-growth", d.lagGrowthFraction()),
        d.minLagGrowth());
  }
}
