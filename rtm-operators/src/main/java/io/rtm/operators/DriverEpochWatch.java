package io.rtm.operators;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows the driver's current epoch for one source task, on a thread of its own, and tells the
 * task each time an epoch ended.
 *
 * <p>Polling is coarse away from epoch boundaries and fine around the boundary it expects next
 * ({@link EpochBoundaryPredictor}). The coordinator disappears when the query stops, moments before
 * the task is interrupted; only a poll failure that outlasts {@link #FAILURE_GRACE_NANOS} is reported.
 *
 * <p>Thread ownership: the predictor and {@code knownEpoch} belong to the watch thread;
 * {@link #pollDelayMs()} is published for the task thread.
 */
final class DriverEpochWatch implements AutoCloseable {
  static final long FAILURE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  /** Called on the watch thread. */
  interface Listener {
    /** One epoch ended; called once per ended epoch, in order. */
    void epochEnded() throws InterruptedException;

    /** Polling the driver kept failing. */
    void failed(Throwable cause);
  }

  private final EpochCoordination coordinator;
  private final Listener listener;
  private final EpochBoundaryPredictor predictor;
  private final ScheduledExecutorService thread;
  private long knownEpoch;
  private long failingSince = -1;
  private volatile long pollDelayMs;

  DriverEpochWatch(String name, EpochCoordination coordinator, long startEpoch, long pollIntervalMs, Listener listener) {
    this.coordinator = coordinator;
    this.listener = listener;
    this.knownEpoch = startEpoch;
    this.predictor = new EpochBoundaryPredictor(pollIntervalMs);
    this.pollDelayMs = Math.max(1, pollIntervalMs);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "rtm-epoch-watch-" + name);
      t.setDaemon(true);
      return t;
    });
    thread.execute(this::pollAndReschedule);
  }

  /**
   * How long the watch waits before it asks the driver again: a task that blocks on its source for
   * no longer than this notices an ended epoch about as soon as the watch does.
   */
  long pollDelayMs() {
    return pollDelayMs;
  }

  private void pollAndReschedule() {
    poll();
    if (Thread.currentThread().isInterrupted() || thread.isShutdown()) {
      return;
    }
    long delay = predictor.nextPollDelayMs(System.currentTimeMillis());
    pollDelayMs = delay;
    try {
      thread.schedule(this::pollAndReschedule, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // close() shut the thread down between the check and the schedule
    }
  }

  private void poll() {
    try {
      long driverEpoch = coordinator.currentEpoch();
      failingSince = -1;
      if (knownEpoch < driverEpoch) {
        predictor.epochChanged(System.currentTimeMillis());
      }
      for (; knownEpoch < driverEpoch; knownEpoch++) {
        listener.epochEnded();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      long now = System.nanoTime();
      if (failingSince < 0) {
        failingSince = now;
      } else if (now - failingSince > FAILURE_GRACE_NANOS) {
        listener.failed(t);
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
