package io.rtm.bench.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the sustainable-rate search steps through rates: one mode JVM per workload and mode, the
 * generator offering {@link #startRate}, then each next rate {@link #factor} times higher, up to
 * {@link #maxRate}, without restarting the query. Each step sends for {@link #settle} (not
 * measured: the backlog or the catch-up of the rate change) and then for {@link #window}, which
 * {@link StepVerdict} judges. The search stops at the first step that is not sustainable.
 *
 * @param p99BoundUs a step whose p99 latency in its window is above this is not sustainable
 * @param lagGrowthFraction how much the output lag may grow over a window, as a fraction of the
 *     window's length (0.1: 1 s of input over a 10 s window)
 * @param minLagGrowth the least growth ever called "growing", whatever the window: the lag is
 *     sampled at {@link #LAG_SAMPLE} and a micro-batch's floor moves by a batch's planning jitter
 */
public record RateSearch(
    int startRate,
    double factor,
    int maxRate,
    Duration settle,
    Duration window,
    long p99BoundUs,
    double lagGrowthFraction,
    Duration minLagGrowth) {

  public static final Duration LAG_SAMPLE = Duration.ofMillis(100);
  /** A generator that offers less than this fraction of the step's rate makes the step void. */
  public static final double MIN_OFFERED_FRACTION = 0.95;

  public RateSearch {
    if (startRate <= 0 || maxRate < startRate) {
      throw new IllegalArgumentException("--search-start must be positive and at most --search-max, got "
          + startRate + " and " + maxRate);
    }
    if (!(factor > 1.0)) {
      throw new IllegalArgumentException("--search-factor must be above 1, got " + factor);
    }
    if (window.toMillis() < 2_000) {
      throw new IllegalArgumentException("--search-step-s must be at least 2 s (the lag is compared between"
          + " the first and last third of the window), got " + window.toMillis() / 1e3);
    }
  }

  /** Defaults: 5,000/s times 1.5 up to 200,000/s, 3 s settle, 8 s window, p99 bound 1 s. */
  public static RateSearch defaults() {
    return new RateSearch(5_000, 1.5, 200_000, Duration.ofSeconds(3), Duration.ofSeconds(8), 1_000_000, 0.1,
        Duration.ofMillis(250));
  }

  /** The rates tried, in order: start, start·factor, start·factor², ... while at most max. */
  public List<Integer> ladder() {
    List<Integer> rates = new ArrayList<>();
    double r = startRate;
    while (Math.round(r) <= maxRate) {
      int rate = (int) Math.round(r);
      if (rates.isEmpty() || rate > rates.get(rates.size() - 1)) {
        rates.add(rate);
      }
      r *= factor;
    }
    return List.copyOf(rates);
  }

  /** How long one step sends. */
  public Duration stepDuration() {
    return settle.plus(window);
  }
}
