package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.harness.LatencySamples;
import io.rtm.bench.harness.LatencySummary;

/** Turns a finished run (the child's result, the recorder's samples) into a {@link RunResult}. */
final class RunOutcome {
  private RunOutcome() {}

  static RunResult of(RunSpec spec, JsonNode result, LatencyRecorder recorder, long primed, long sent,
      double sentSeconds, long generatorStartUs, EventFactory events, java.util.function.LongUnaryOperator sendMicros,
      CpuWindow cpu) {
    long received = recorder.count();
    RunResult.Status status = RunResult.Status.OK;
    String error = null;
    String message = null;
    if (result.path("status").asText().equals("failed")) {
      status = received == 0 ? RunExecutor.classify(result) : RunResult.Status.FAILED;
      error = result.path("error").asText();
      message = result.path("message").asText();
    } else if (received == 0) {
      status = RunResult.Status.FAILED;
      error = "no output";
      message = "the query ran but wrote nothing to the output topic";
    }
    LatencySamples raw = recorder.samples();
    WindowedLatency samples = raw.size() == 0
        ? new WindowedLatency(new double[0], new int[0])
        : WindowedLatency.of(raw.arrivalsMs(), raw.latenciesUs(), raw.firstArrivalUs(), generatorStartUs);
    double from = spec.warmup().toMillis() / 1e3;
    double to = spec.checksOutput() ? Math.max(from + 1, sentSeconds) : from + spec.window().toMillis() / 1e3;
    LatencySummary latency = samples.summary(from, to);
    double[] commits = commitTimes(result, generatorStartUs);
    int inWindow = 0;
    for (double c : commits) {
      inWindow += c >= from && c < to ? 1 : 0;
    }
    OutputCheck check = spec.checksOutput() ? check(spec, recorder.values(), primed, sent, events, sendMicros) : null;
    return new RunResult(spec, status, error, message, null, latency, sent, sent / sentSeconds, received,
        result.path("peak_heap_bytes").asLong(-1), result.path("peak_rss_bytes").asLong(-1),
        inWindow, commits.length, from, to, check, samples, commits, StateSize.of(result),
        spec.checksOutput() ? FinalOutput.of(spec.workload(), recorder.values(), primed, events) : null,
        cpu == null ? CpuUsage.NONE : cpu.usage(sent / sentSeconds));
  }

  /**
   * The output check of a checked run: id by id for per-event workloads, running counts for the
   * aggregation (every update for Flink, which emits after each record), the closed windows for
   * the window-final fraud query ({@link WindowCountCheck}), none for the fraud query's updates
   * (which updates come out depends on when events arrive relative to the watermark).
   */
  static OutputCheck check(RunSpec spec, java.util.List<String> values, long primed, long sent, EventFactory events,
      java.util.function.LongUnaryOperator sendMicros) {
    if (spec.workload().outputPerEvent()) {
      return OutputCheck.of(values, sent, events);
    }
    if (spec.workload() == io.rtm.bench.spec.Workload.AGGREGATION) {
      return OutputCheck.ofRunningCounts(values, primed, sent, events,
          spec.mode().engine() == io.rtm.bench.spec.Mode.Engine.FLINK);
    }
    if (spec.workload() == io.rtm.bench.spec.Workload.FRAUD_FINAL) {
      return WindowCountCheck.of(values, sent, sendMicros, events,
          io.rtm.bench.spec.Workload.fraudThreshold(spec.rate()));
    }
    return null;
  }

  private static double[] commitTimes(JsonNode result, long generatorStartUs) {
    JsonNode commits = result.path("commits");
    double[] at = new double[commits.size()];
    for (int i = 0; i < at.length; i++) {
      at[i] = (commits.get(i).get(1).asLong() * 1000 - generatorStartUs) / 1e6;
    }
    return at;
  }
}
