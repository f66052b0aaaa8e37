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

  static void write(Path file, String started, MachineInfo machine, Plan plan, List<RunResult> results) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("started", started);
    root.put("machine", machine);
    root.put("plan", Map.of(
        "quick", plan.quick(),
        "workloads", plan.workloads().stream().map(w -> w.id()).toList(),
        "modes", plan.modes().stream().map(m -> m.id()).toList(),
        "rates", plan.rates(),
        "warmup_s", plan.warmup().toSeconds(),
        "window_s", plan.window().toSeconds(),
        "only_modes", plan.onlyModes().entrySet().stream().collect(java.util.stream.Collectors.toMap(
            e -> e.getKey().id(), e -> e.getValue().stream().map(m -> m.id()).toList()))));
    root.put("runs", results.stream().map(JsonReport::run).toList());
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    return m;
  }
}
