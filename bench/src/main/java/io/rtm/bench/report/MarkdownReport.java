package io.rtm.bench.report;

import io.rtm.bench.flink.FlinkSettings;
import io.rtm.bench.harness.RampSteps;
import io.rtm.bench.run.OutputCheck;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.QuickVerdict;
import io.rtm.bench.run.RunExecutor;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code results.md}: one table per workload, its plots, the refusals' messages, the quick check. */
final class MarkdownReport {
  private static final String DASH = "—";

  private MarkdownReport() {}

  static String render(String started, MachineInfo machine, Plan plan, List<RunResult> results,
      Map<String, String> plots) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results ").append(started).append("\n\n");
    md.append("Machine: ").append(machine.describe()).append(".\n\n");
    md.append(method(plan)).append("\n");
    for (Workload w : plan.workloads()) {
      if (results.stream().noneMatch(r -> r.spec().workload() == w)) {
        continue;
      }
      md.append("## ").append(w.id()).append(": ").append(w.description()).append("\n\n");
      md.append("| mode | rate/s | p50 | p90 | p99 | p99.9 | max (ms) | out/s | in/s | epochs in window |"
          + " peak heap MiB | peak RSS MiB | p99 ÷ micro-batch | out/s ÷ micro-batch |"
          + (w.stateful() ? " state rows | state MiB |" : "") + "\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
          + (w.stateful() ? "---:|---:|" : "") + "\n");
      for (RunResult r : results) {
        if (r.spec().workload() == w) {
          md.append(row(r, baseline(results, r)));
          if (w.stateful()) {
            md.append(" ").append(r.state().known() ? Long.toString(r.state().rows()) : DASH).append(" | ")
                .append(r.state().known() ? Formats.mibFine(r.state().memoryBytes()) : DASH).append(" |");
          }
          md.append("\n");
        }
      }
      if (w.stateful()) {
        md.append("\nState: rows and memory summed over the query's stateful operators in its last"
            + " `StreamingQueryProgress` (`stateOperators[].numRowsTotal`, `memoryUsedBytes`), read just before the"
            + " stop (so possibly one epoch or batch before the last); the plugin reports them per epoch, micro-batch per"
            + " batch; Flink and the relay report none here.\n");
      }
      md.append("\n");
      md.append(CpuTable.table(w, results));
      md.append(FlinkComparison.table(w, results));
      md.append(ExactlyOnceCost.table(w, results));
      plots.forEach((name, file) -> {
        if (name.startsWith("cdf-" + w.id() + "-") || name.startsWith("versus-" + w.id() + "-")) {
          md.append("![").append(name).append("](").append(file).append(")\n");
        }
      });
      md.append("\n");
    }
    if (!results.isEmpty()) {
      md.append(timelines(plots));
    }
    md.append(refusals(results));
    if (plan.quick()) {
      md.append(quick(results));
    }
    return md.toString();
  }

  private static String method(Plan plan) {
    StringBuilder s = new StringBuilder("## Method\n\n");
    s.append("- One KRaft broker on 127.0.0.1 in its own JVM; input and output topics with 2 partitions, new for every run.\n");
    s.append("- Each run starts a fresh JVM for the mode (Spark driver in `local[8]`, or the relay), so heap and RSS are that run's alone;"
        + " the generator (~200-byte JSON, `acks=1`, `linger.ms=0`) and the measuring consumer run in the benchmark's JVM.\n");
    s.append("- Latency: consumer arrival wall clock minus the send time the generator stamped in the record (`send_us` header,"
        + " or for aggregates `send_ns` of the newest event counted). Same host, so no clock skew.\n");
    if (!plan.searches()) {
      s.append(String.format(Locale.ROOT, "- Warm-up %d s from the first event sent, excluded%s; measured window %d s by arrival time,"
          + " stretched per mode to cross at least %d epoch/batch boundaries:",
          plan.warmup().toSeconds(),
          plan.ramp().isZero() ? "" : String.format(Locale.ROOT, " (its first %d s at rising rates: %d steps from a tenth of"
              + " the rate to the full rate, so that each JVM compiles its hot paths while it keeps up)",
              plan.ramp().toSeconds(), RampSteps.STEPS),
          plan.window().toSeconds(), Plan.MIN_BOUNDARIES));
      Map<String, String> windows = new LinkedHashMap<>();
      for (Mode m : plan.modes()) {
        windows.put(m.id(), plan.windowFor(m).toSeconds() + " s");
      }
      windows.forEach((m, wnd) -> s.append(" ").append(m).append(" ").append(wnd).append(";"));
      s.setLength(s.length() - 1);
      s.append(".\n");
    }
    s.append("- `microbatch` sets no trigger, `microbatch-0s` sets `ProcessingTime(\"0 seconds\")`: Spark's default trigger is exactly that,"
        + " so the two rows show the run-to-run noise. `realtime` (5-minute batches) is measured inside its first batch, where no batch boundary falls.\n");
    if (plan.modes().stream().anyMatch(Mode::exactlyOnce)) {
      s.append("- `plugin-eos-*`: the same query as the `plugin-*` mode of the same interval with the plugin's exactly-once Kafka"
          + " sink (`spark.rtm.kafka.exactlyOnce=true`: one Kafka transaction per sink task per epoch, committed when the epoch"
          + " commits), measured by a `read_committed` consumer, so a record counts when its epoch's transaction commits."
          + " Every other mode is at-least-once and measured `read_uncommitted`. A quick run's output check also fails an"
          + " exactly-once mode on any duplicate.\n");
    }
    if (plan.modes().contains(Mode.PLUGIN_TCP_100MS)) {
      s.append("- `plugin-tcp-100ms`: `plugin-100ms` with the shuffle's local channels off"
          + " (`spark.rtm.shuffle.localChannels.enabled=false`), so its tasks, all in one JVM here, exchange rows over"
          + " loopback TCP as tasks on different executors would.\n");
    }
    s.append("- Peak heap: the driver JVM's highest heap occupancy (sampled every 50 ms and before every GC); peak RSS: `VmHWM`. `-Xmx2g`, G1"
        + (RunExecutor.extraModeJvmOptions().isEmpty() ? "" : ", and in every mode's JVM `"
            + String.join(" ", RunExecutor.extraModeJvmOptions()) + "` (RTM_BENCH_MODE_JAVA_OPTS)")
        + ".\n");
    s.append("- State rows / state MiB (stateful workloads): the last progress's state operators, summed (Spark modes only).\n");
    s.append("- out/s counts output records in the window (aggregations emit one per updated group); in/s is the generator's rate.\n");
    if (plan.modes().stream().anyMatch(m -> m.engine() == Mode.Engine.FLINK)) {
      s.append("- `flink-*`: Apache Flink ").append(flinkVersion()).append(" DataStream jobs on a local mini cluster in the mode's JVM"
          + " (its own classpath, no Spark), parallelism ").append(FlinkSettings.PARALLELISM)
          .append("; \"epochs in window\" counts completed checkpoints. Settings:");
      FlinkSettings.of(Mode.FLINK_1S, java.nio.file.Path.of("/run/checkpoint")).forEach((k, v) -> {
        String shown = k.equals("execution.checkpointing.interval") ? "the mode's interval"
            : k.equals("execution.checkpointing.dir") ? "the run's checkpoint folder" : v;
        s.append(" `").append(k).append("` ").append(shown).append(";");
      });
      s.setLength(s.length() - 1);
      s.append(". Kafka source: consumer defaults, no offset commits; sink: at-least-once, `linger.ms=0`."
          + " See docs/benchmarks.md (Flink) for what differs from the Spark queries.\n");
    }
    s.append("- A mode that cannot run a workload shows `unsupported (<error condition or class>)`; one that started and then failed shows `failed (...)`.\n");
    return s.toString();
  }

  /** From the Flink classpath the runs used (flink-core-X.jar), as the report's JVM has no Flink. */
  private static String flinkVersion() {
    return io.rtm.bench.harness.Classpaths.flinkRuntime().stream()
        .map(p -> p.getFileName().toString())
        .filter(n -> n.startsWith("flink-core-") && !n.startsWith("flink-core-api") && n.endsWith(".jar"))
        .map(n -> n.substring("flink-core-".length(), n.length() - ".jar".length()))
        .findFirst().orElse("2.0");
  }

  private static Optional<RunResult> baseline(List<RunResult> results, RunResult r) {
    return results.stream()
        .filter(b -> b.ok() && b.spec().mode() == Mode.stockBaseline()
            && b.spec().workload() == r.spec().workload() && b.spec().rate() == r.spec().rate())
        .findFirst();
  }

  private static String row(RunResult r, Optional<RunResult> baseline) {
    String head = "| " + r.spec().mode().id() + " | " + r.spec().rate() + " | ";
    if (!r.ok()) {
      String status = r.statusText() + (r.foundAt() == null ? "" : ", found at " + r.foundAt());
      return head + status + " | " + String.join(" | ", java.util.Collections.nCopies(12, DASH)) + " |";
    }
    var l = r.latency();
    String p99Ratio = baseline.map(b -> Formats.ratio(l.p99Us() / (double) b.latency().p99Us())).orElse(DASH);
    String outRatio = baseline.map(b -> Formats.ratio(l.throughputPerSec() / b.latency().throughputPerSec())).orElse(DASH);
    String epochs = r.spec().mode().hasCommits() ? Integer.toString(r.epochsInWindow()) : DASH;
    return head + String.join(" | ",
        Formats.ms(l.p50Us()), Formats.ms(l.p90Us()), Formats.ms(l.p99Us()), Formats.ms(l.p999Us()),
        Formats.ms(l.maxUs()), Formats.rate(l.throughputPerSec()), Formats.rate(r.inputPerSec()), epochs,
        Formats.mib(r.peakHeapBytes()), Formats.mib(r.peakRssBytes()), p99Ratio, outRatio) + " |";
  }

  private static String timelines(Map<String, String> plots) {
    StringBuilder s = new StringBuilder("## Latency over time\n\nOne plot per run: p50 and max per time bucket;"
        + " vertical lines are epoch or batch commits (for Flink: completed checkpoints). The `versus-` plots in the"
        + " workload sections put the plugin and Flink on one axis with both runs' boundaries as markers.\n\n");
    plots.forEach((name, file) -> {
      if (name.startsWith("timeline-")) {
        s.append("- [").append(name.substring("timeline-".length())).append("](").append(file).append(")\n");
      }
    });
    return s.append("\n").toString();
  }

  private static String refusals(List<RunResult> results) {
    StringBuilder s = new StringBuilder();
    Map<String, String> seen = new LinkedHashMap<>();
    for (RunResult r : results) {
      if (!r.ok() && r.foundAt() == null) {
        seen.putIfAbsent(r.spec().workload().id() + " / " + r.spec().mode().id(),
            r.statusText() + ": " + r.message());
      }
    }
    if (seen.isEmpty()) {
      return "";
    }
    s.append("## Unsupported and failed runs\n\n");
    seen.forEach((cell, text) -> s.append("- ").append(cell).append(": ").append(text.replace("\n", " ")).append("\n"));
    return s.append("\n").toString();
  }

  private static String quick(List<RunResult> results) {
    StringBuilder s = new StringBuilder("## Output check (quick mode)\n\n");
    s.append("| workload | mode | sent | expected | distinct out | missing | unexpected | duplicates | wrong |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RunResult r : results) {
      OutputCheck c = r.check();
      if (c != null) {
        s.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %d | %d | %d |%n",
            r.spec().workload().id(), r.spec().mode().id(), r.sent(), c.expected(), c.distinct(), c.missing(),
            c.unexpected(), c.duplicates(), c.wrong()));
      }
    }
    List<io.rtm.bench.run.CrossModeCheck> crossChecks = io.rtm.bench.run.CrossModeCheck.of(results);
    if (!crossChecks.isEmpty()) {
      s.append("\nFinal outputs compared across modes (same measured events in every run; per-event workloads: each"
          + " output event's id, account and merchant; aggregation: each account's last count and total over the measured"
          + " events, priming events taken out. fraud-final's windows are of wall-clock event time, so each run is checked against its own"
          + " input's closed windows in the table above instead; fraud's updates are not compared; see docs/benchmarks.md):\n\n");
      s.append("| workload | rate/s | modes | reference | keys | verdict |\n|---|---:|---|---|---:|---|\n");
      for (var c : crossChecks) {
        s.append("| ").append(c.workload().id()).append(" | ").append(c.rate()).append(" | ")
            .append(String.join(", ", c.modes().stream().map(Mode::id).toList())).append(" | ")
            .append(c.reference().id()).append(" | ").append(c.rows()).append(" | ")
            .append(c.agree() ? "all equal" : "**differ**: " + c.differences().entrySet().stream()
                .map(e -> e.getKey().id() + " at " + e.getValue()).reduce((a, b) -> a + "; " + b).orElse(""))
            .append(" |\n");
      }
    }
    QuickVerdict verdict = QuickVerdict.of(results);
    s.append("\n").append(verdict.passed() ? "**PASSED**: every mode produced complete, correct output.\n"
        : "**FAILED**:\n" + String.join("\n", verdict.problems().stream().map(p -> "- " + p).toList()) + "\n");
    return s.toString();
  }
}
