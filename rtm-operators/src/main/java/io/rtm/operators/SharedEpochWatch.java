package io.rtm.operators;

import java.util.HashMap;
import java.util.Map;

/**
 * One {@link DriverEpochWatch} per query run and JVM, shared by the run's source tasks there that
 * read the ended-epoch count without blocking ({@link PollingSourceEpochInput}).
 *
 * <p>Why: a watch per task asks the driver once per poll per task (about fifteen RPCs per epoch
 * each with 100 ms epochs, every one a blocking ask through the driver's RPC dispatcher), and each
 * task notices a boundary at its own poll, so their barriers reach a consumer up to a poll apart
 * and the consumer holds the early channel meanwhile. Shared, the tasks of a JVM cost one RPC per
 * poll between them and see each new epoch at the same moment.
 *
 * <p>The watch starts with the run's first subscriber (its coordinator client is the one used) and
 * stops when the last one closes. Thread ownership: the registry is guarded by the class; a
 * {@link Watch}'s counters are written by its watch thread only and read by the tasks.
 */
final class SharedEpochWatch implements AutoCloseable {

  /** Guarded by {@code SharedEpochWatch.class}. */
  private static final Map<String, Watch> WATCHES = new HashMap<>();

  private final String key;
  private final Watch watch;
  private boolean closed;

  private SharedEpochWatch(String key, Watch watch) {
    this.key = key;
    this.watch = watch;
  }

  /**
   * Joins the watch of run {@code runKey} from {@code startEpoch}, starting it if this is its first
   * subscriber. Every task of one run starts at the same epoch; the epoch is part of the key anyway,
   * so a subscriber never sees counts relative to another start.
   */
  static SharedEpochWatch subscribe(
      String runKey, EpochCoordination coordinator, long startEpoch, long pollIntervalMs) {
    String key = runKey + "@" + startEpoch;
    synchronized (SharedEpochWatch.class) {
      Watch watch = WATCHES.computeIfAbsent(
          key, k -> new Watch(threadName(runKey), coordinator, startEpoch, pollIntervalMs));
      watch.subscribers++;
      return new SharedEpochWatch(key, watch);
    }
  }

  /** The watch thread is "rtm-epoch-watch-" and this: the run id's first 8 characters. */
  static String threadName(String runKey) {
    return runKey.length() > 8 ? runKey.substring(0, 8) : runKey;
  }

  /** Epochs the driver moved past since the start epoch. */
  long endedEpochs() {
    return watch.endedEpochs;
  }

  /** Why following the driver failed, or null. */
  Throwable failure() {
    return watch.failure;
  }

  /** See {@link DriverEpochWatch#pollDelayMs()}. */
  long pollDelayMs() {
    return watch.driverWatch.pollDelayMs();
  }

  /** Leaves the watch; the last subscriber to leave stops it. Idempotent. */
  @Override
  public void close() {
    DriverEpochWatch toStop = null;
    synchronized (SharedEpochWatch.class) {
      if (closed) {
        return;
      }
      closed = true;
      if (--watch.subscribers == 0) {
        WATCHES.remove(key, watch);
        toStop = watch.driverWatch;
      }
    }
    if (toStop != null) {
      toStop.close();
    }
  }

  /** For tests: watches running in this JVM. */
  static synchronized int running() {
    return WATCHES.size();
  }

  private static final class Watch implements DriverEpochWatch.Listener {
    /** Raised by the watch thread only. */
    private volatile long endedEpochs;
    private volatile Throwable failure;
    /** Guarded by {@code SharedEpochWatch.class}. */
    private int subscribers;
    private final DriverEpochWatch driverWatch;

    Watch(String threadName, EpochCoordination coordinator, long startEpoch, long pollIntervalMs) {
      this.driverWatch = new DriverEpochWatch(threadName, coordinator, startEpoch, pollIntervalMs, this);
    }

    @Override
    public void epochEnded() {
      endedEpochs++; // the watch thread is the only writer
    }

    @Override
    public void failed(Throwable cause) {
      failure = cause;
    }
  }
}
