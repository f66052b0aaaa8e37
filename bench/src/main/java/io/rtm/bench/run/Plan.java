package io.rtm.bench.run;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Which cells a benchmark run measures, and for how long.
 *
 * <p>A window must cross at least {@link #MIN_BOUNDARIES} epoch or batch boundaries, so a mode
 * with a long interval gets a longer window than the base one; the one exception is a mode whose
 * interval is longer than {@link #MAX_BOUNDARY_WINDOW} (built-in real-time mode's default 5-minute
 * batches), which is measured inside one batch, as users of that default see it.
 */
public record Plan(
    boolean quick,
    List<Workload> workloads,
    List<Mode> modes,
    List<Integer> rates,
    Duration warmup,
    Duration window,
    int quickEvents) {

  public static final int MIN_BOUNDARIES = 5;
  public static final Duration MAX_BOUNDARY_WINDOW = Duration.ofSeconds(90);

  /** The correctness smoke test: per-event workloads, a few modes, one low rate, short windows. */
  public static Plan quickPlan() {
    return new Plan(true,
        List.of(Workload.STATELESS, Workload.SHUFFLE),
        List.of(Mode.RELAY, Mode.PLUGIN_100MS, Mode.MICROBATCH),
        List.of(500),
        Duration.ofSeconds(2),
        Duration.ZERO,
        3_000);
  }

  /** Every workload under every mode at 1k and 10k events/s. */
  public static Plan fullPlan() {
    return new Plan(false, List.of(Workload.values()), List.of(Mode.values()), List.of(1_000, 10_000),
        Duration.ofSeconds(10), Duration.ofSeconds(10), 0);
  }

  public Plan with(List<Workload> workloads, List<Mode> modes, List<Integer> rates, Duration warmup, Duration window) {
    return new Plan(quick, workloads, modes, rates, warmup, window, quickEvents);
  }

  /** The base window, stretched to cross {@link #MIN_BOUNDARIES} boundaries of {@code mode}. */
  public Duration windowFor(Mode mode) {
    Duration crossing = Duration.ofMillis(MIN_BOUNDARIES * mode.intervalMs() + 1_000);
    if (mode.intervalMs() == 0 || crossing.compareTo(MAX_BOUNDARY_WINDOW) > 0 || crossing.compareTo(window) <= 0) {
      return window;
    }
    return crossing;
  }

  /** Cells in run order: workload by workload, so a workload's modes run close together in time. */
  public List<RunSpec> specs() {
    List<RunSpec> specs = new ArrayList<>();
    for (Workload w : workloads) {
      for (Mode m : modes) {
        for (int rate : rates) {
          specs.add(new RunSpec(w, m, rate, warmup, windowFor(m), quick ? quickEvents : 0));
        }
      }
    }
    return specs;
  }
}
