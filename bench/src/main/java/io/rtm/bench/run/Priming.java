package io.rtm.bench.run;

import io.rtm.bench.harness.EventGenerator;
import io.rtm.bench.harness.LatencyRecorder;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Gets a started query to the point where records flow end to end before load starts. {@code
 * start()} returning says little: a real-time query still schedules its stages, a micro-batch
 * query plans its first batch, and events sent meanwhile would pile up and be measured as
 * start-up latency. A trickle of events with ids far above the measured ones goes in until the
 * first output comes out.
 */
public final class Priming {
  /** Event ids of priming events start here; the measured generator counts up from 0. */
  public static final long FIRST_ID = 1_000_000_000L;
  private static final int RATE = 20;

  private Priming() {}

  /**
   * True once an output arrived; false if {@code failed} turned true or the timeout passed first.
   */
  public static boolean awaitFirstOutput(String bootstrap, String topic, int accounts, LatencyRecorder recorder,
      BooleanSupplier failed, Duration timeout) {
    return prime(bootstrap, topic, accounts, recorder, failed, timeout) >= 0;
  }

  /**
   * Like {@link #awaitFirstOutput}, returning how many priming events were sent (ids {@link
   * #FIRST_ID} on, all acknowledged before this returns, so before any measured event), or -1
   * when no output came. Aggregations count them too, and their check must know how many.
   */
  public static long prime(String bootstrap, String topic, int accounts, LatencyRecorder recorder,
      BooleanSupplier failed, Duration timeout) {
    return prime(bootstrap, topic, accounts, RATE, recorder, failed, timeout);
  }

  /**
   * The fraud queries output only windows above their threshold: a trickle spread over their
   * 1,000 accounts never gets there, so they are primed on a single account at a rate that puts
   * more than {@code threshold} events in each of its 1-second windows.
   */
  public static long primeWindows(String bootstrap, String topic, long threshold, LatencyRecorder recorder,
      BooleanSupplier failed, Duration timeout) {
    int rate = (int) Math.max(RATE, 2 * threshold + 2);
    return prime(bootstrap, topic, 1, rate, recorder, failed, timeout);
  }

  private static long prime(String bootstrap, String topic, int accounts, int rate, LatencyRecorder recorder,
      BooleanSupplier failed, Duration timeout) {
    EventGenerator primer = new EventGenerator(bootstrap, topic, rate, accounts, 1);
    try {
      primer.firstEventId(FIRST_ID).startAsync();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (recorder.count() == 0 && !failed.getAsBoolean() && System.nanoTime() - deadline < 0) {
        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
    } finally {
      primer.close();
    }
    return recorder.count() > 0 ? primer.sent() : -1;
  }
}
