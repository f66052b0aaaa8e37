package io.rtm.bench.run;

import io.rtm.bench.harness.LatencySummary;

/**
 * What one cell measured. {@code samples} and {@code commitsSec} feed the plots and are not
 * written to the JSON report.
 *
 * @param error the error condition (or exception class) when the mode could not run the workload
 * @param foundAt where an {@code UNSUPPORTED} carried over from another rate was found, else null
 * @param epochsInWindow epoch or batch commits inside the measured window
 * @param commitsSec commit times in seconds after the generator started
 * @param state the query's state at the end of the run ({@link StateSize#NONE} if not reported)
 * @param finalOutput what a checked run's output came to, for {@link CrossModeCheck}; null if none
 */
public record RunResult(
    RunSpec spec,
    Status status,
    String error,
    String message,
    String foundAt,
    LatencySummary latency,
    long sent,
    double inputPerSec,
    long received,
    long peakHeapBytes,
    long peakRssBytes,
    int epochsInWindow,
    int epochsTotal,
    double windowFromSec,
    double windowToSec,
    OutputCheck check,
    WindowedLatency samples,
    double[] commitsSec,
    StateSize state,
    FinalOutput finalOutput,
    CpuUsage cpu) {

  /** Without the CPU of the window (runs that did not measure one). */
  public RunResult(RunSpec spec, Status status, String error, String message, String foundAt, LatencySummary latency,
      long sent, double inputPerSec, long received, long peakHeapBytes, long peakRssBytes, int epochsInWindow,
      int epochsTotal, double windowFromSec, double windowToSec, OutputCheck check, WindowedLatency samples,
      double[] commitsSec, StateSize state, FinalOutput finalOutput) {
    this(spec, status, error, message, foundAt, latency, sent, inputPerSec, received, peakHeapBytes, peakRssBytes,
        epochsInWindow, epochsTotal, windowFromSec, windowToSec, check, samples, commitsSec, state, finalOutput,
        CpuUsage.NONE);
  }

  /** Without a state size (stateless workloads, engines that report none). */
  public RunResult(RunSpec spec, Status status, String error, String message, String foundAt, LatencySummary latency,
      long sent, double inputPerSec, long received, long peakHeapBytes, long peakRssBytes, int epochsInWindow,
      int epochsTotal, double windowFromSec, double windowToSec, OutputCheck check, WindowedLatency samples,
      double[] commitsSec) {
    this(spec, status, error, message, foundAt, latency, sent, inputPerSec, received, peakHeapBytes, peakRssBytes,
        epochsInWindow, epochsTotal, windowFromSec, windowToSec, check, samples, commitsSec, StateSize.NONE, null);
  }

  /** How a cell ended. */
  public enum Status {
    OK,
    /** The mode refused the workload (at start, or with an "unsupported" condition at run time). */
    UNSUPPORTED,
    /** The mode accepted the workload, then failed or produced nothing. */
    FAILED
  }

  static RunResult notRun(RunSpec spec, Status status, String error, String message, long peakHeap, long peakRss) {
    return new RunResult(spec, status, error, message, null, null, 0, 0, 0, peakHeap, peakRss, 0, 0,
        0, 0, null, null, new double[0]);
  }

  /** The same refusal for another rate of the same workload and mode, without running it again. */
  RunResult carriedTo(RunSpec other) {
    return new RunResult(other, status, error, message, spec.rate() + "/s", null, 0, 0, 0,
        peakHeapBytes, peakRssBytes, 0, 0, 0, 0, null, null, new double[0]);
  }

  public boolean ok() {
    return status == Status.OK;
  }

  /** The table cell for a run that produced no numbers. */
  public String statusText() {
    return switch (status) {
      case OK -> "ok";
      case UNSUPPORTED -> "unsupported (" + error + ")";
      case FAILED -> "failed (" + error + ")";
    };
  }
}
