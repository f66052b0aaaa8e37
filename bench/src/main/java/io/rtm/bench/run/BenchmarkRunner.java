package io.rtm.bench.run;

import io.rtm.bench.harness.Classpaths;
import io.rtm.bench.harness.KafkaBroker;
import io.rtm.bench.search.SearchResult;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a {@link Plan} on one local broker, one cell after another (never two Spark JVMs at once
 * on a 2-core machine), and returns every cell's result, refusals and failures included.
 */
public final class BenchmarkRunner {
  private final Plan plan;
  private final Path pluginJar;
  private final Path resultsDir;
  private final PrintStream progress;

  public BenchmarkRunner(Plan plan, Path pluginJar, Path resultsDir, PrintStream progress) {
    if (!Files.isRegularFile(pluginJar)) {
      throw new IllegalStateException("The shaded plugin jar " + pluginJar + " is missing: build it with"
          + " mvn -DskipTests install -pl rtm-shuffle,rtm-operators,rtm-plugin");
    }
    this.plan = plan;
    this.pluginJar = pluginJar;
    this.resultsDir = resultsDir;
    this.progress = progress;
  }

  public List<RunResult> run() {
    List<RunSpec> specs = plan.specs();
    return withExecutor(specs.size() + " runs", executor -> {
      List<RunResult> results = new ArrayList<>();
      // A refusal does not depend on the rate: found once, it stands for the other rates.
      Map<String, RunResult> refusals = new HashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        RunSpec spec = specs.get(i);
        String cell = spec.workload().id() + "/" + spec.mode().id();
        RunResult refused = refusals.get(cell);
        long started = System.nanoTime();
        RunResult result = refused != null ? refused.carriedTo(spec) : execute(executor, spec);
        if (refused == null && result.status() == RunResult.Status.UNSUPPORTED) {
          refusals.put(cell, result);
        }
        results.add(result);
        progress.println(line(i + 1, specs.size(), result, (System.nanoTime() - started) / 1e9));
      }
      return results;
    });
  }

  /** The plan's sustainable-rate search: every workload under each of its modes, one after another. */
  public List<SearchResult> search() {
    List<Map.Entry<Workload, Mode>> cells = new ArrayList<>();
    for (Workload w : plan.workloads()) {
      for (Mode m : plan.modesFor(w)) {
        cells.add(Map.entry(w, m));
      }
    }
    return withExecutor(cells.size() + " searches, rates " + plan.search().ladder(), executor -> {
      List<SearchResult> results = new ArrayList<>();
      for (int i = 0; i < cells.size(); i++) {
        Workload w = cells.get(i).getKey();
        Mode m = cells.get(i).getValue();
        long started = System.nanoTime();
        SearchResult result;
        try {
          result = executor.search(w, m, plan.search(), plan.warmup(), progress);
        } catch (RuntimeException e) {
          result = SearchResult.notRun(w, m, RunResult.Status.FAILED, "harness: " + e.getClass().getSimpleName(),
              String.valueOf(e.getMessage()), -1, -1);
        }
        results.add(result);
        progress.printf(Locale.ROOT, "[%2d/%d] %-12s %-14s sustainable %s  (stopped: %s)  (%.0f s)%n", i + 1,
            cells.size(), w.id(), m.id(),
            result.highestSustainable().isPresent() ? result.highestSustainable().getAsInt() + "/s" : "none",
            result.stopReason(), (System.nanoTime() - started) / 1e9);
      }
      return results;
    });
  }

  private <T> T withExecutor(String what, java.util.function.Function<RunExecutor, T> body) {
    Path scratch = tempDir();
    List<Path> sparkClasspath = new ArrayList<>(Classpaths.harness());
    sparkClasspath.add(snapshot(pluginJar, scratch));
    // Read up front: a bench build without flink-runtime.classpath fails here, not mid-run.
    List<Path> flinkClasspath = plan.modes().stream().anyMatch(m -> m.engine() == Mode.Engine.FLINK)
        ? Classpaths.flink() : List.of();
    try (KafkaBroker broker = KafkaBroker.start(scratch);
        RunExecutor executor = new RunExecutor(broker, resultsDir.resolve("runs"),
            mode -> mode.engine() == Mode.Engine.FLINK ? flinkClasspath : sparkClasspath)) {
      progress.printf("broker at %s; %s%n", broker.bootstrapServers(), what);
      return body.apply(executor);
    } finally {
      deleteQuietly(scratch);
    }
  }

  private static RunResult execute(RunExecutor executor, RunSpec spec) {
    try {
      return executor.execute(spec);
    } catch (RuntimeException e) {
      // One broken cell must not lose the others' results; the report shows what went wrong.
      return RunResult.notRun(spec, RunResult.Status.FAILED, "harness: " + e.getClass().getSimpleName(),
          String.valueOf(e.getMessage()), -1, -1);
    }
  }

  private static String line(int n, int total, RunResult r, double seconds) {
    String what = String.format(Locale.ROOT, "[%2d/%d] %-12s %-14s %6d/s", n, total,
        r.spec().workload().id(), r.spec().mode().id(), r.spec().rate());
    if (!r.ok()) {
      return what + "  " + r.statusText() + String.format(Locale.ROOT, "  (%.0f s)", seconds);
    }
    String check = r.check() == null ? "" : r.check().passedFor(r.spec().mode()) ? "  output complete"
        : r.check().passed() ? "  DUPLICATES under exactly-once: " + r.check().duplicates()
        : "  OUTPUT WRONG: " + r.check().firstProblem();
    return what + String.format(Locale.ROOT, "  p50 %s  p99 %s  max %s ms  out %.0f/s  epochs %d%s  (%.0f s)",
        ms(r.latency().p50Us()), ms(r.latency().p99Us()), ms(r.latency().maxUs()), r.latency().throughputPerSec(),
        r.epochsInWindow(), check, seconds);
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private Path tempDir() {
    try {
      Files.createDirectories(resultsDir);
      return Files.createTempDirectory("rtm-bench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every mode JVM of the run loads the same copy of the plugin jar: a rebuild of rtm-plugin
   * while the benchmark runs must not change (or briefly remove) what later runs load.
   */
  private static Path snapshot(Path jar, Path dir) {
    try {
      return Files.copy(jar, dir.resolve(jar.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a temp folder
    }
  }
}
