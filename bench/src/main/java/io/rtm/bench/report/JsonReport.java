package io.rtm.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code results.json}: every run with its numbers, for tools and for comparing runs over time. */
final class JsonReport {
  private JsonReport() {}

  static void write(Path file, String started, MachineInfo machine, Plan plan, List<RunResult> results,
      List<io.rtm.bench.search.SearchResult> searches) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", started);
    root.put("machine", machine);
    root.put("plan", Map.of(
        "quick", plan.quick(),
        "workloads", plan.workloads().stream().map(w -> w.id()).toList(),
        "modes", plan.modes().stream().map(m -> m.id()).toList(),
        "rates", plan.rates(),
        "warmup_s", plan.warmup().toSeconds(),
        "warmup_ramp_s", plan.ramp().toSeconds(),
        "window_s", plan.window().toSeconds(),
        "only_modes", plan.onlyModes().entrySet().stream().collect(java.util.stream.Collectors.toMap(
            e -> e.getKey().id(), e -> e.getValue().stream().map(m -> m.id()).toList()))));
    root.put("runs", results.stream().map(JsonReport::run).toList());
    root.put("exactly_once_cost", ExactlyOnceCost.json(results));
    root.put("cross_mode_checks", io.rtm.bench.run.CrossModeCheck.of(results).stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("workload", c.workload().id());
      m.put("rate_per_s", c.rate());
      m.put("modes", c.modes().stream().map(x -> x.id()).toList());
      m.put("reference", c.reference().id());
      m.put("keys", c.rows());
      m.put("agree", c.agree());
      Map<String, String> diffs = new LinkedHashMap<>();
      c.differences().forEach((mode, d) -> diffs.put(mode.id(), d));
      m.put("differences", diffs);
      return m;
    }).toList());
    if (plan.searches()) {
      var s = plan.search();
      root.put("search", Map.of("rates", s.ladder(), "settle_s", s.settle().toMillis() / 1e3,
          "window_s", s.window().toMillis() / 1e3, "p99_bound_us", s.p99BoundUs(),
          "lag_growth_fraction", s.lagGrowthFraction(), "min_lag_growth_s", s.minLagGrowth().toMillis() / 1e3));
      root.put("searches", searches.stream().map(JsonReport::search).toList());
    }
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> search(io.rtm.bench.search.SearchResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workload", r.workload().id());
    m.put("mode", r.mode().id());
    m.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    m.put("error", r.error());
    m.put("message", r.message());
    m.put("highest_sustainable_per_s", r.highestSustainable().isPresent() ? r.highestSustainable().getAsInt() : null);
    m.put("generator_bound", r.generatorBound());
    m.put("stopped", r.stopReason());
    m.put("lag_measure", r.lagMeasure());
    m.put("steps", r.steps().stream().map(st -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("rate_per_s", st.rate());
      s.put("offered_per_s", st.offeredPerSec());
      s.put("window_s", List.of(st.fromSec(), st.toSec()));
      var l = st.latency();
      s.put("latency_us", Map.of("p50", l.p50Us(), "p90", l.p90Us(), "p99", l.p99Us(), "p999", l.p999Us(),
          "max", l.maxUs(), "count", l.count()));
      s.put("throughput_out_per_s", l.throughputPerSec());
      s.put("verdict", st.verdict().reason().name().toLowerCase(java.util.Locale.ROOT));
      s.put("lag_growth_s", Double.isNaN(st.verdict().lagGrowthSec()) ? null : st.verdict().lagGrowthSec());
      s.put("detail", st.verdict().detail());
      return s;
    }).toList());
    m.put("peak_heap_bytes", r.peakHeapBytes());
    m.put("peak_rss_bytes", r.peakRssBytes());
    if (r.state().known()) {
      m.put("state_rows", r.state().rows());
      m.put("state_memory_bytes", r.state().memoryBytes());
    }
    return m;
  }

  private static Map<String, Object> run(RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("workload", r.spec().workload().id());
    m.put("mode", r.spec().mode().id());
    m.put("rate_per_s", r.spec().rate());
    m.put("status", r.status().name().toLowerCase(java.util.Locale.ROOT));
    m.put("error", r.error());
    m.put("message", r.message());
    m.put("found_at", r.foundAt());
    if (r.latency() != null) {
      var l = r.latency();
      m.put("window_s", List.of(r.windowFromSec(), r.windowToSec()));
      m.put("latency_us", Map.of("p50", l.p50Us(), "p90", l.p90Us(), "p99", l.p99Us(), "p999", l.p999Us(),
          "max", l.maxUs(), "count", l.count()));
      m.put("throughput_out_per_s", l.throughputPerSec());
      m.put("input_per_s", r.inputPerSec());
      m.put("sent", r.sent());
      m.put("received", r.received());
      m.put("epochs_in_window", r.epochsInWindow());
      m.put("epochs_total", r.epochsTotal());
    }
    m.put("peak_heap_bytes", r.peakHeapBytes());
    m.put("peak_rss_bytes", r.peakRssBytes());
    if (r.check() != null) {
      m.put("output_check", r.check());
    }
    if (r.cpu() != null && r.cpu().known()) {
      Map<String, Object> cpu = new LinkedHashMap<>();
      cpu.put("mode_cores", r.cpu().modeCores());
      cpu.put("micros_per_event", Double.isNaN(r.cpu().microsPerEvent()) ? null : r.cpu().microsPerEvent());
      cpu.put("machine_busy", Double.isNaN(r.cpu().machineBusy()) ? null : r.cpu().machineBusy());
      cpu.put("thread_cores", r.cpu().threadCores());
      m.put("cpu_in_window", cpu);
    }
    if (r.state() != null && r.state().known()) {
      m.put("state_rows", r.state().rows());
      m.put("state_memory_bytes", r.state().memoryBytes());
    }
    return m;
  }
}
