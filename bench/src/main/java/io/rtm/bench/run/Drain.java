package io.rtm.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.harness.LatencyRecorder;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Waits, after the last event was sent, until a checked run's output is complete: every kept
 * event has an output (duplicates may make the count larger), or the run died, or a deadline long
 * enough for the slowest mode's epoch or batch has passed (then the check reports what is
 * missing).
 */
final class Drain {
  private Drain() {}

  static void untilComplete(LatencyRecorder recorder, long sent, RunSpec spec, CompletableFuture<JsonNode> failed) {
    long expected = expectedOutputs(spec, sent);
    long deadline = deadline(spec);
    while (measuredOutputs(recorder) < expected && !failed.isDone() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** The same for a checked aggregation: until its running counts check out (or the deadline). */
  static void untilCountsComplete(Supplier<OutputCheck> check, RunSpec spec, CompletableFuture<JsonNode> failed) {
    long deadline = deadline(spec);
    while (!check.get().passed() && !failed.isDone() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }
  }

  private static long deadline(RunSpec spec) {
    return System.nanoTime() + Duration.ofSeconds(30).plusMillis(3 * spec.mode().intervalMs()).toNanos();
  }

  /** Outputs of measured events: priming events may still be coming out too. */
  private static long measuredOutputs(LatencyRecorder recorder) {
    return recorder.values().stream().filter(v -> OutputCheck.eventId(v) < Priming.FIRST_ID).count();
  }

  static long expectedOutputs(RunSpec spec, long sent) {
    if (!spec.workload().outputPerEvent()) {
      return 1;
    }
    EventFactory events = new EventFactory(1, spec.workload().accounts());
    long kept = 0;
    for (long id = 0; id < sent; id++) {
      kept += Workload.kept(events, id) ? 1 : 0;
    }
    return kept;
  }
}
