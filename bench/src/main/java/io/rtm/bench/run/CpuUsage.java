package io.rtm.bench.run;

import io.rtm.bench.harness.CpuSample;

/**
 * The CPU a mode's JVM used over the measured window: cores (CPU seconds per second), CPU
 * microseconds per input event, and how busy the whole machine was meanwhile (0..1). On a 2-core
 * machine shared with the broker and the benchmark's own JVM, the per-event cost is what a run's
 * latency queues behind; and a mode whose epochs cost CPU shows it here at the same rate.
 */
public record CpuUsage(double modeCores, double microsPerEvent, double machineBusy,
    java.util.Map<String, Double> threadCores) {
  public static final CpuUsage NONE = new CpuUsage(Double.NaN, Double.NaN, Double.NaN, java.util.Map.of());
  private static final int THREAD_GROUPS_KEPT = 6;

  public boolean known() {
    return !Double.isNaN(modeCores);
  }

  /** Between two samples of the same process; NONE when either is missing or no time passed. */
  static CpuUsage between(CpuSample start, CpuSample end, double eventsPerSec) {
    if (start == null || end == null || end.nanoTime() <= start.nanoTime()) {
      return NONE;
    }
    double seconds = (end.nanoTime() - start.nanoTime()) / 1e9;
    double cpuSeconds = (end.processTicks() - start.processTicks()) / CpuSample.TICKS_PER_SECOND;
    long total = end.machineTotalTicks() - start.machineTotalTicks();
    double busy = total <= 0 ? Double.NaN : (end.machineBusyTicks() - start.machineBusyTicks()) / (double) total;
    double perEvent = eventsPerSec > 0 ? cpuSeconds / (eventsPerSec * seconds) * 1e6 : Double.NaN;
    return new CpuUsage(cpuSeconds / seconds, perEvent, busy, threadCores(start, end, seconds));
  }

  /**
   * Cores per group of threads whose names differ only in digits ("C2 CompilerThre" and its
   * siblings, "Executor task l" for every task), the busiest first, at most {@link #THREAD_GROUPS_KEPT}.
   * A thread that started inside the window counts from zero; one that ended is left out.
   */
  static java.util.Map<String, Double> threadCores(CpuSample start, CpuSample end, double seconds) {
    java.util.Map<String, Long> ticks = new java.util.HashMap<>();
    end.threads().forEach((tid, thread) -> {
      CpuSample.Thread before = start.threads().get(tid);
      long delta = thread.ticks() - (before == null ? 0 : before.ticks());
      ticks.merge(thread.name().replaceAll("\\d+", "N"), Math.max(0, delta), Long::sum);
    });
    java.util.Map<String, Double> cores = new java.util.LinkedHashMap<>();
    ticks.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(THREAD_GROUPS_KEPT)
        .forEach(e -> cores.put(e.getKey(), e.getValue() / CpuSample.TICKS_PER_SECOND / seconds));
    return cores;
  }
}
