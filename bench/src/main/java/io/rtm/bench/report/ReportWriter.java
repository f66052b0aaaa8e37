package io.rtm.bench.report;

import io.rtm.bench.run.Plan;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.spec.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes {@code results.md}, {@code results.json} and {@code plots/} into a results folder. */
public final class ReportWriter {
  private ReportWriter() {}

  /** @return the markdown file */
  public static Path write(Path dir, String started, Plan plan, List<RunResult> results) {
    return write(dir, started, plan, results, List.of());
  }

  /** @return the markdown file; {@code searches}: the sustainable-rate searches, if the plan ran them */
  public static Path write(Path dir, String started, Plan plan, List<RunResult> results,
      List<io.rtm.bench.search.SearchResult> searches) {
    MachineInfo machine = MachineInfo.current();
    Path plotDir = dir.resolve("plots");
    Map<String, String> plots = new LinkedHashMap<>();
    for (Workload w : plan.workloads()) {
      for (int rate : plan.rates()) {
        List<RunResult> ran = results.stream()
            .filter(r -> r.ok() && r.spec().workload() == w && r.spec().rate() == rate)
            .toList();
        if (!ran.isEmpty()) {
          String name = "cdf-" + w.id() + "-" + rate;
          Plots.cdf(plotDir, name, w.id() + " at " + rate + "/s: latency CDF per mode", ran);
          plots.put(name, "plots/" + name + ".png");
        }
      }
    }
    for (FlinkComparison.Pair pair : FlinkComparison.pairs(results)) {
      if (pair.plugin().ok() && pair.flink().ok()) {
        String name = "versus-" + pair.plugin().spec().workload().id() + "-" + pair.plugin().spec().rate()
            + "-" + pair.plugin().spec().mode().id() + "-" + pair.flink().spec().mode().id();
        Plots.versus(plotDir, name, pair.plugin(), pair.flink());
        plots.put(name, "plots/" + name + ".png");
      }
    }
    for (RunResult r : results) {
      if (r.ok()) {
        String name = "timeline-" + r.spec().id();
        Plots.timeline(plotDir, name, r);
        plots.put(name, "plots/" + name + ".png");
      }
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JsonReport.write(dir.resolve("results.json"), started, machine, plan, results, searches);
    Path md = dir.resolve("results.md");
    try {
      Files.writeString(md, MarkdownReport.render(started, machine, plan, results, plots)
          + SearchReport.render(plan, searches));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return md;
  }
}
