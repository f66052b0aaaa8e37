package io.rtm.bench.report;

import io.rtm.bench.run.Plan;
import io.rtm.bench.search.RateSearch;
import io.rtm.bench.search.SearchResult;
import io.rtm.bench.search.StepResult;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sustainable-rate part of {@code results.md}: per workload, each mode's highest sustainable
 * rate with the plugin's ratios to stock micro-batch and to Flink, then every step each search ran.
 */
final class SearchReport {
  private static final String DASH = "—";

  private SearchReport() {}

  static String render(Plan plan, List<SearchResult> searches) {
    if (searches.isEmpty()) {
      return "";
    }
    RateSearch s = plan.search();
    StringBuilder md = new StringBuilder("## Sustainable rate\n\n");
    md.append(String.format(Locale.ROOT, "Each mode ran in one JVM per workload: %d s warm-up at %d/s, then the rates %s"
            + " one after another on the same stream, each held for %.0f s to settle and %.0f s judged. A step is"
            + " sustainable when p99 over its window is at most %.0f ms and the output lag did not grow: the lowest lag"
            + " in the window's last third exceeds the lowest in its first third by at most %.2f s (%.0f %% of the window,"
            + " at least %.2f s). Lag, in seconds of input: for per-event workloads the outputs owed (kept events sent"
            + " minus outputs received) over the rate at which they are owed; for aggregates the wall clock minus the"
            + " newest send time seen in the output. The search stops at the first step that fails; a step whose"
            + " generator could not offer %.0f %% of its rate ends the search as generator-bound (the engine's limit is"
            + " then higher than shown: `≥`).%n%n",
        plan.warmup().toSeconds(), s.startRate(), s.ladder(), s.settle().toMillis() / 1e3, s.window().toMillis() / 1e3,
        s.p99BoundUs() / 1e3, Math.max(s.lagGrowthFraction() * s.window().toMillis() / 1e3,
            s.minLagGrowth().toMillis() / 1e3), 100 * s.lagGrowthFraction(), s.minLagGrowth().toMillis() / 1e3,
        100 * RateSearch.MIN_OFFERED_FRACTION));
    md.append("| workload | mode | sustainable/s | p99 there (ms) | out/s there | stopped at | peak heap MiB | peak RSS MiB"
        + " | state rows | state MiB | ÷ micro-batch | ÷ Flink |\n");
    md.append("|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (SearchResult r : searches) {
      md.append(summaryRow(r, searches)).append("\n");
    }
    md.append("\nRatios: the plugin's sustainable rate over stock micro-batch's and over Flink's at the same"
        + " checkpoint interval (issue 3's target: at least 0.5× micro-batch).\n\n");
    for (SearchResult r : searches) {
      if (r.steps().isEmpty()) {
        continue;
      }
      md.append("Steps of ").append(r.workload().id()).append(" / ").append(r.mode().id())
          .append(" (lag: ").append(r.lagMeasure()).append("):\n\n");
      md.append("| rate/s | offered/s | out/s | p50 | p99 | max (ms) | lag growth (s) | verdict |\n");
      md.append("|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (StepResult step : r.steps()) {
        var l = step.latency();
        md.append("| ").append(step.rate()).append(" | ").append(Formats.rate(step.offeredPerSec())).append(" | ")
            .append(Formats.rate(l.throughputPerSec())).append(" | ").append(Formats.ms(l.p50Us())).append(" | ")
            .append(Formats.ms(l.p99Us())).append(" | ").append(Formats.ms(l.maxUs())).append(" | ")
            .append(Double.isNaN(step.verdict().lagGrowthSec()) ? DASH
                : String.format(Locale.ROOT, "%.2f", step.verdict().lagGrowthSec()))
            .append(" | ").append(step.verdict().sustainable() ? "sustainable" : "**" + step.verdict().detail() + "**")
            .append(" |\n");
      }
      md.append("\n");
    }
    return md.toString();
  }

  /** The sustainable rate as shown: a number, {@code ≥ n} when generator-bound, or none. */
  static String shown(SearchResult r) {
    if (r.highestSustainable().isEmpty()) {
      return r.status() == io.rtm.bench.run.RunResult.Status.OK ? "below " + r.steps().get(0).rate() : DASH;
    }
    return (r.generatorBound() ? "≥ " : "") + r.highestSustainable().getAsInt();
  }

  private static String summaryRow(SearchResult r, List<SearchResult> all) {
    String head = "| " + r.workload().id() + " | " + r.mode().id() + " | ";
    if (r.status() != io.rtm.bench.run.RunResult.Status.OK && r.steps().isEmpty()) {
      return head + r.stopReason() + " | " + String.join(" | ", java.util.Collections.nCopies(10, DASH)) + " |";
    }
    Optional<StepResult> best = r.steps().stream().filter(st -> st.verdict().sustainable())
        .reduce((a, b) -> b);
    String p99 = best.map(b -> Formats.ms(b.latency().p99Us())).orElse(DASH);
    String out = best.map(b -> Formats.rate(b.latency().throughputPerSec())).orElse(DASH);
    boolean plugin = r.mode().engine() == Mode.Engine.PLUGIN;
    String vsMicroBatch = plugin ? ratio(r, find(all, r.workload(), Mode.stockBaseline())) : DASH;
    String vsFlink = plugin ? r.mode().counterpart().map(f -> ratio(r, find(all, r.workload(), f))).orElse(DASH) : DASH;
    return head + String.join(" | ", shown(r), p99, out, r.stopReason().replace("|", "/"),
        Formats.mib(r.peakHeapBytes()), Formats.mib(r.peakRssBytes()),
        r.state().known() ? Long.toString(r.state().rows()) : DASH,
        r.state().known() ? Formats.mibFine(r.state().memoryBytes()) : DASH, vsMicroBatch, vsFlink) + " |";
  }

  private static Optional<SearchResult> find(List<SearchResult> all, Workload w, Mode m) {
    return all.stream().filter(x -> x.workload() == w && x.mode() == m).findFirst();
  }

  /** The plugin's rate over the other's; marked when either is only a lower bound. */
  private static String ratio(SearchResult plugin, Optional<SearchResult> other) {
    if (other.isEmpty() || plugin.highestSustainable().isEmpty() || other.get().highestSustainable().isEmpty()) {
      return DASH;
    }
    String r = Formats.ratio(plugin.highestSustainable().getAsInt() / (double) other.get().highestSustainable().getAsInt());
    return plugin.generatorBound() || other.get().generatorBound() ? r + " (bound)" : r;
  }
}
