package io.rtm.bench.report;

import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the plugin's exactly-once Kafka sink costs in latency: each exactly-once run paired with
 * the at-least-once run of the same workload, rate and epoch interval from the same benchmark run
 * ({@link Mode#atLeastOnceTwin}), and their p50 / p99 / max ratios. The exactly-once side is
 * measured by a {@code read_committed} consumer, so its output counts only once its epoch commits.
 */
final class ExactlyOnceCost {
  private static final String DASH = "—";

  /** One exactly-once run and its at-least-once twin (either may have failed). */
  record Pair(RunResult exactlyOnce, RunResult atLeastOnce) {
    boolean measured() {
      return exactlyOnce.ok() && atLeastOnce.ok();
    }

    /** Exactly-once p50 divided by at-least-once p50; NaN unless both ran. */
    double p50Ratio() {
      return measured() ? ratio(exactlyOnce.latency().p50Us(), atLeastOnce.latency().p50Us()) : Double.NaN;
    }

    double p99Ratio() {
      return measured() ? ratio(exactlyOnce.latency().p99Us(), atLeastOnce.latency().p99Us()) : Double.NaN;
    }

    double maxRatio() {
      return measured() ? ratio(exactlyOnce.latency().maxUs(), atLeastOnce.latency().maxUs()) : Double.NaN;
    }
  }

  private ExactlyOnceCost() {}

  static List<Pair> pairs(List<RunResult> results) {
    List<Pair> pairs = new ArrayList<>();
    for (RunResult e : results) {
      Mode mode = e.spec().mode();
      if (!mode.exactlyOnce()) {
        continue;
      }
      Mode twin = mode.atLeastOnceTwin().orElseThrow();
      results.stream()
          .filter(a -> a.spec().mode() == twin && a.spec().workload() == e.spec().workload()
              && a.spec().rate() == e.spec().rate())
          .findFirst()
          .ifPresent(a -> pairs.add(new Pair(e, a)));
    }
    return pairs;
  }

  /** {@code value / base}; NaN when either is unknown (negative) or the base is zero. */
  static double ratio(double value, double base) {
    return value < 0 || base <= 0 ? Double.NaN : value / base;
  }

  /** The table for {@code workload}, or empty when no exactly-once run has its twin in {@code results}. */
  static String table(Workload workload, List<RunResult> results) {
    List<Pair> pairs = pairs(results).stream().filter(p -> p.exactlyOnce().spec().workload() == workload).toList();
    if (pairs.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("Exactly-once Kafka sink ÷ at-least-once, same epoch interval, same run"
        + " (exactly-once measured by a `read_committed` consumer: output counts once its epoch commits):\n\n");
    md.append("| exactly-once | at-least-once | rate/s | p50 (ms) | p99 (ms) | max (ms) | p50 ÷ | p99 ÷ | max ÷ |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Pair pair : pairs) {
      RunResult e = pair.exactlyOnce();
      RunResult a = pair.atLeastOnce();
      md.append("| ").append(e.spec().mode().id()).append(" | ").append(a.spec().mode().id()).append(" | ")
          .append(e.spec().rate()).append(" | ");
      if (!pair.measured()) {
        String why = !e.ok() ? e.spec().mode().id() + " " + e.statusText() : a.spec().mode().id() + " " + a.statusText();
        md.append(why).append(" | ").append(String.join(" | ", java.util.Collections.nCopies(5, DASH))).append(" |\n");
        continue;
      }
      LatencySummary el = e.latency();
      LatencySummary al = a.latency();
      md.append(String.join(" | ",
          Formats.ms(el.p50Us()) + " / " + Formats.ms(al.p50Us()),
          Formats.ms(el.p99Us()) + " / " + Formats.ms(al.p99Us()),
          Formats.ms(el.maxUs()) + " / " + Formats.ms(al.maxUs()),
          Formats.ratio(pair.p50Ratio()), Formats.ratio(pair.p99Ratio()), Formats.ratio(pair.maxRatio())))
          .append(" |\n");
    }
    return md.append("\n").toString();
  }

  /** The pairs for results.json: modes, rate and the three ratios (null where a side did not run). */
  static List<Map<String, Object>> json(List<RunResult> results) {
    return pairs(results).stream().map(p -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("workload", p.exactlyOnce().spec().workload().id());
      m.put("rate_per_s", p.exactlyOnce().spec().rate());
      m.put("exactly_once_mode", p.exactlyOnce().spec().mode().id());
      m.put("at_least_once_mode", p.atLeastOnce().spec().mode().id());
      m.put("p50_ratio", finite(p.p50Ratio()));
      m.put("p99_ratio", finite(p.p99Ratio()));
      m.put("max_ratio", finite(p.maxRatio()));
      return m;
    }).toList();
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
