package io.rtm.bench.report;

import io.rtm.bench.run.RunResult;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plugin against Apache Flink: each plugin run paired with the Flink run of the same workload
 * and rate whose checkpoint interval equals the plugin's epoch interval ({@link Mode#counterpart}),
 * and the markdown table of their ratios.
 */
final class FlinkComparison {
  private static final String DASH = "—";

  /** One plugin run and its Flink counterpart (either may have failed). */
  record Pair(RunResult plugin, RunResult flink) {}

  private FlinkComparison() {}

  static List<Pair> pairs(List<RunResult> results) {
    List<Pair> pairs = new ArrayList<>();
    for (RunResult p : results) {
      if (p.spec().mode().engine() != Mode.Engine.PLUGIN || p.spec().mode().counterpart().isEmpty()) {
        continue;
      }
      Mode flinkMode = p.spec().mode().counterpart().orElseThrow();
      results.stream()
          .filter(f -> f.spec().mode() == flinkMode && f.spec().workload() == p.spec().workload()
              && f.spec().rate() == p.spec().rate())
          .findFirst()
          .ifPresent(f -> pairs.add(new Pair(p, f)));
    }
    return pairs;
  }

  /** The table for {@code workload}, or empty when no plugin run has a Flink counterpart. */
  static String table(Workload workload, List<RunResult> results) {
    List<Pair> pairs = pairs(results).stream().filter(p -> p.plugin().spec().workload() == workload).toList();
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("Plugin ÷ Flink at the same epoch / checkpoint interval"
        + " (below 1 means the plugin is faster, smaller or, for out/s, slower):\n\n");
    md.append("| plugin | Flink | rate/s | p50 ÷ | p99 ÷ | p99.9 ÷ | max ÷ | out/s ÷ | peak heap ÷ | peak RSS ÷ |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Pair pair : pairs) {
      RunResult p = pair.plugin();
      RunResult f = pair.flink();
      md.append("| ").append(p.spec().mode().id()).append(" | ").append(f.spec().mode().id()).append(" | ")
          .append(p.spec().rate()).append(" | ");
      if (!p.ok() || !f.ok()) {
        String why = !p.ok() ? p.spec().mode().id() + " " + p.statusText() : f.spec().mode().id() + " " + f.statusText();
        md.append(why).append(" | ").append(String.join(" | ", java.util.Collections.nCopies(6, DASH))).append(" |\n");
        continue;
      }
      var pl = p.latency();
      var fl = f.latency();
      md.append(String.join(" | ",
          ratio(pl.p50Us(), fl.p50Us()), ratio(pl.p99Us(), fl.p99Us()), ratio(pl.p999Us(), fl.p999Us()),
          ratio(pl.maxUs(), fl.maxUs()), ratio(pl.throughputPerSec(), fl.throughputPerSec()),
          ratio(p.peakHeapBytes(), f.peakHeapBytes()), ratio(p.peakRssBytes(), f.peakRssBytes())))
          .append(" |\n");
    }
    return md.append("\n").toString();
  }

  private static String ratio(double plugin, double flink) {
    if (plugin < 0 || flink <= 0) {
      return DASH;
    }
    return String.format(Locale.ROOT, "%.2f×", plugin / flink);
  }
}
