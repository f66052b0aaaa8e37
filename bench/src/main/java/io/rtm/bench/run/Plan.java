package io.rtm.bench.run;

import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
    int quickEvents,
    Map<Workload, List<Mode>> onlyModes,
    io.rtm.bench.search.RateSearch search,
    Duration ramp) {

  public static final int MIN_BOUNDARIES = 5;
  public static final Duration MAX_BOUNDARY_WINDOW = Duration.ofSeconds(90);

  /**
   * The correctness smoke test: per-event workloads under a few modes, plus the keyed running
   * count under Flink only (the one engine here that emits per record, so its counts are checked
   * id by id; the relay cannot aggregate and the Spark modes would add minutes); one low rate,
   * short windows.
   */
  public static Plan quickPlan() {
    return new Plan(true,
        List.of(Workload.STATELESS, Workload.SHUFFLE, Workload.AGGREGATION),
        List.of(Mode.RELAY, Mode.PLUGIN_100MS, Mode.MICROBATCH, Mode.FLINK_100MS),
        List.of(1_000),
        Duration.ofSeconds(2),
        Duration.ZERO,
        2_000,
        Map.of(Workload.AGGREGATION, List.of(Mode.FLINK_100MS)),
        null,
        Duration.ZERO);
  }

  /** Every workload under every mode at 1k and 10k events/s. */
  public static Plan fullPlan() {
    return new Plan(false, List.of(Workload.values()), List.of(Mode.values()), List.of(1_000, 10_000),
        Duration.ofSeconds(10), Duration.ofSeconds(10), 0, Map.of(), null, Duration.ZERO);
  }

  public Plan with(List<Workload> workloads, List<Mode> modes, List<Integer> rates, Duration warmup, Duration window) {
    return new Plan(quick, workloads, modes, rates, warmup, window, quickEvents, onlyModes, search, ramp);
  }

  /** The same runs with the first {@code ramp} of each warm-up at rising rates ({@link RunSpec#ramp}). */
  public Plan withRamp(Duration ramp) {
    return new Plan(quick, workloads, modes, rates, warmup, window, quickEvents, onlyModes, search, ramp);
  }

  /**
   * Without the per-workload restriction of the mode list: when the caller names the workloads,
   * each runs under every mode named (the quick mode's running count under the plugin and
   * micro-batch too, to compare their final counts with Flink's).
   */
  public Plan withoutModeLimits() {
    return new Plan(quick, workloads, modes, rates, warmup, window, quickEvents, Map.of(), search, ramp);
  }

  /**
   * The same workloads and modes, searched for their sustainable rate instead of measured at fixed
   * rates; {@code warmup} is then the warm-up at the search's start rate.
   */
  public Plan searching(io.rtm.bench.search.RateSearch rateSearch) {
    return new Plan(quick, workloads, modes, rates, warmup, window, quickEvents, onlyModes, rateSearch, ramp);
  }

  public boolean searches() {
    return search != null;
  }

  /** The modes {@code workload} runs under: all of {@link #modes}, unless the plan restricts it. */
  public List<Mode> modesFor(Workload workload) {
    List<Mode> only = onlyModes.get(workload);
    return only == null ? modes : modes.stream().filter(only::contains).toList();
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
      for (Mode m : modesFor(w)) {
        for (int rate : rates) {
          specs.add(new RunSpec(w, m, rate, warmup, windowFor(m), quick ? quickEvents : 0, ramp));
        }
      }
    }
    return specs;
  }
}
