package io.rtm.bench.search;

import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.StateSize;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.List;
import java.util.OptionalInt;

/**
 * A workload's sustainable-rate search under one mode: every step it ran, in order, up to and
 * including the first that was not sustainable.
 *
 * @param lagMeasure how the lag was measured: {@code outputs owed} or {@code send-time frontier}
 * @param state the query's state at the end of the search, {@link StateSize#NONE} if not reported
 */
public record SearchResult(
    Workload workload,
    Mode mode,
    RunResult.Status status,
    String error,
    String message,
    String lagMeasure,
    List<StepResult> steps,
    long peakHeapBytes,
    long peakRssBytes,
    StateSize state) {

  public static SearchResult notRun(Workload w, Mode m, RunResult.Status status, String error, String message,
      long peakHeap, long peakRss) {
    return new SearchResult(w, m, status, error, message, null, List.of(), peakHeap, peakRss, StateSize.NONE);
  }

  /** The highest rate of the steps that were sustainable (they come first: the search stops at the first that is not). */
  public OptionalInt highestSustainable() {
    return steps.stream().filter(s -> s.verdict().sustainable()).mapToInt(StepResult::rate).max();
  }

  /** Why the search ended: the failing step's verdict, a failure, or the top of the ladder. */
  public String stopReason() {
    if (status != RunResult.Status.OK) {
      return status.name().toLowerCase(java.util.Locale.ROOT) + " (" + error + ")";
    }
    if (steps.isEmpty()) {
      return "no step ran";
    }
    StepResult last = steps.get(steps.size() - 1);
    return last.verdict().sustainable() ? "sustained the highest rate tried (--search-max)"
        : last.rate() + "/s: " + last.verdict().reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + ", " + last.verdict().detail();
  }

  /** True when the search ended because the generator could not offer more, so the engine's limit is higher. */
  public boolean generatorBound() {
    return !steps.isEmpty() && steps.get(steps.size() - 1).verdict().reason() == StepVerdict.Reason.GENERATOR_BOUND;
  }
}
