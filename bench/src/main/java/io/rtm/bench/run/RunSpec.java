package io.rtm.bench.run;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;

/**
 * One cell of the benchmark: a workload under a mode at a rate.
 *
 * @param warmup excluded from the statistics, counted from the first event sent
 * @param window measured after the warm-up (by arrival time at the recorder)
 * @param exactEvents when positive, send exactly this many events and check the output id by id
 *     (quick mode) instead of sending for warm-up plus window
 * @param ramp the first part of the warm-up, in which the rate rises in steps from a tenth of
 *     {@code rate} to {@code rate} (zero: the full rate from the first event); see {@link RampSteps}
 */
public record RunSpec(
    Workload workload, Mode mode, int rate, Duration warmup, Duration window, int exactEvents, Duration ramp) {

  public RunSpec {
    if (ramp.compareTo(warmup) > 0) {
      throw new IllegalArgumentException("the ramp (" + ramp.toMillis() / 1e3 + " s) is part of the warm-up ("
          + warmup.toMillis() / 1e3 + " s): it cannot be longer");
    }
    if (!ramp.isZero() && exactEvents > 0) {
      throw new IllegalArgumentException("a quick run sends an exact number of events at one rate: no ramp");
    }
  }

  /** A run at the full rate from its first event. */
  public RunSpec(Workload workload, Mode mode, int rate, Duration warmup, Duration window, int exactEvents) {
    this(workload, mode, rate, warmup, window, exactEvents, Duration.ZERO);
  }

  public boolean checksOutput() {
    return exactEvents > 0;
  }

  /** A file-name-safe id, also used for topic names. */
  public String id() {
    return workload.id() + "-" + mode.id() + "-" + rate;
  }

  /** How long the generator sends. */
  public Duration sendDuration() {
    if (checksOutput()) {
      // The pacer releases event i at start + i/rate while that is not past the deadline: a
      // deadline half a period after event N-1 sends exactly N events.
      return Duration.ofNanos((long) ((exactEvents - 0.5) * 1e9 / rate));
    }
    // A second past the window, so that the window's last records are sent and delivered.
    return warmup.plus(window).plusSeconds(1);
  }
}
