package io.rtm.bench.search;

import io.rtm.bench.harness.LatencySummary;
import java.util.Locale;

/**
 * Whether one step of the search sustained its rate: the output lag did not grow over the step's
 * window and p99 stayed under the bound.
 *
 * <p>The lag is compared by its floor, not its mean: a micro-batch engine's lag is a sawtooth (it
 * grows while a batch runs and drops when the batch's output lands), so its mean over a short
 * window depends on where the teeth fall, while the lowest lag in the first third and in the last
 * third of the window are both "just after a batch" and differ only if the engine falls behind.
 * For a per-record engine the floor is the steady lag itself.
 *
 * @param lagGrowthSec lowest lag of the last third minus lowest lag of the first third, in seconds
 *     of input (NaN when there was nothing to compare)
 */
public record StepVerdict(Reason reason, double lagGrowthSec, double allowedGrowthSec, String detail) {

  /** Why a step was (not) sustainable. */
  public enum Reason {
    SUSTAINABLE,
    /** p99 over the window above {@link RateSearch#p99BoundUs}. */
    P99_ABOVE_BOUND,
    /** The lag's floor grew by more than the allowed growth over the window. */
    LAG_GROWING,
    /** No output arrived in the window: the engine stalled (or died). */
    NO_OUTPUT,
    /**
     * The benchmark's generator offered less than {@link RateSearch#MIN_OFFERED_FRACTION} of the
     * rate: the step says nothing about the engine, and the search cannot go higher.
     */
    GENERATOR_BOUND
  }

  public boolean sustainable() {
    return reason == Reason.SUSTAINABLE;
  }

  /**
   * @param rate the step's target rate, events/s
   * @param offeredPerSec what the generator actually sent per second during the window
   * @param atSec lag sample times (seconds, any origin), ascending, covering the window
   * @param lagSec the output lag at each time, in seconds of input
   * @param latency the window's latency summary (count 0 when nothing arrived)
   */
  public static StepVerdict judge(RateSearch search, int rate, double offeredPerSec, double[] atSec, double[] lagSec,
      LatencySummary latency) {
    if (atSec.length != lagSec.length) {
      throw new IllegalArgumentException(atSec.length + " sample times but " + lagSec.length + " lags");
    }
    double windowSec = search.window().toMillis() / 1e3;
    double allowed = Math.max(search.lagGrowthFraction() * windowSec, search.minLagGrowth().toMillis() / 1e3);
    if (offeredPerSec < RateSearch.MIN_OFFERED_FRACTION * rate) {
      return new StepVerdict(Reason.GENERATOR_BOUND, Double.NaN, allowed, String.format(Locale.ROOT,
          "the generator offered %.0f/s of %d/s", offeredPerSec, rate));
    }
    if (latency.count() == 0) {
      return new StepVerdict(Reason.NO_OUTPUT, Double.NaN, allowed, "no output in the window");
    }
    double growth = floorGrowth(atSec, lagSec);
    if (latency.p99Us() > search.p99BoundUs()) {
      return new StepVerdict(Reason.P99_ABOVE_BOUND, growth, allowed, String.format(Locale.ROOT,
          "p99 %.1f ms above the bound of %.0f ms", latency.p99Us() / 1e3, search.p99BoundUs() / 1e3));
    }
    if (Double.isNaN(growth)) {
      return new StepVerdict(Reason.NO_OUTPUT, growth, allowed, "too few lag samples in the window");
    }
    if (growth > allowed) {
      return new StepVerdict(Reason.LAG_GROWING, growth, allowed, String.format(Locale.ROOT,
          "lag grew by %.2f s over the window (allowed %.2f s)", growth, allowed));
    }
    return new StepVerdict(Reason.SUSTAINABLE, growth, allowed, String.format(Locale.ROOT,
        "lag grew by %.2f s (allowed %.2f s), p99 %.1f ms", growth, allowed, latency.p99Us() / 1e3));
  }

  /** Lowest lag in the last third of the samples' span minus the lowest in the first third. */
  static double floorGrowth(double[] atSec, double[] lagSec) {
    if (atSec.length < 3) {
      return Double.NaN;
    }
    double from = atSec[0];
    double span = atSec[atSec.length - 1] - from;
    double first = Double.POSITIVE_INFINITY;
    double last = Double.POSITIVE_INFINITY;
    for (int i = 0; i < atSec.length; i++) {
      double pos = (atSec[i] - from) / span;
      if (pos <= 1.0 / 3) {
        first = Math.min(first, lagSec[i]);
      } else if (pos >= 2.0 / 3) {
        last = Math.min(last, lagSec[i]);
      }
    }
    return Double.isInfinite(first) || Double.isInfinite(last) ? Double.NaN : last - first;
  }
}
