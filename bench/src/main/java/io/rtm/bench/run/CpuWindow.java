package io.rtm.bench.run;

import io.rtm.bench.harness.CpuSample;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a mode JVM's CPU at the start and the end of the measured window (both counted from the
 * generator's start, as the latency window is), on a timer thread of the benchmark's JVM.
 */
final class CpuWindow implements AutoCloseable {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cpu-window");
    t.setDaemon(true);
    return t;
  });
  private volatile CpuSample start;
  private volatile CpuSample end;

  private CpuWindow(long pid, Duration from, Duration to) {
    timer.schedule(() -> start = CpuSample.of(pid), from.toMillis(), TimeUnit.MILLISECONDS);
    timer.schedule(() -> end = CpuSample.of(pid), to.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Call right after the generator started. */
  static CpuWindow schedule(long pid, Duration warmup, Duration window) {
    return new CpuWindow(pid, warmup, warmup.plus(window));
  }

  /** The window's usage; NONE if the run ended before the window did. */
  CpuUsage usage(double eventsPerSec) {
    return CpuUsage.between(start, end, eventsPerSec);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
