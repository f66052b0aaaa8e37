package io.rtm.compat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quiets one known race of Spark's continuous execution at the end of every run.
 *
 * <p>Spark 4.2.0's {@code ContinuousExecution.runContinuous} ends a run by stopping the epoch
 * coordinator's RPC endpoint and only then interrupting its "epoch update thread". An epoch
 * trigger falling between the two asks the stopped endpoint for the next epoch, and the thread
 * dies of an uncaught {@code SparkException: Could not find EpochCoordinator-...}, printed as a
 * stack trace at the end of the run and seen by anything that watches uncaught exceptions (for
 * example Awaitility in tests). Nothing is lost: the run is over, and the next run (a recovery
 * restart) starts its own coordinator and thread. The plugin ends runs far more often than stock
 * continuous processing (every automatic recovery), so it gives that thread a handler that logs
 * exactly this case in one line and hands every other exception to the thread's group as before.
 *
 * <p>The thread is found by the name Spark 4.2.0 gives it:
 * {@code "epoch update thread for " + prettyIdString}, which ends with {@code [id = <query id>, runId = <run id>]}.
 */
public final class EpochUpdateThreads {
  private static final Logger LOG = LoggerFactory.getLogger(EpochUpdateThreads.class);
  static final String NAME_PREFIX = "epoch update thread for ";
  static final String STOPPED_COORDINATOR = "Could not find EpochCoordinator";

  private EpochUpdateThreads() {}

  /** Installs the handler on the run's epoch update thread; @return whether it was found. */
  public static boolean quietStoppedCoordinator(String queryId, String runId) {
    String suffix = "[id = " + queryId + ", runId = " + runId + "]";
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(NAME_PREFIX) && t.getName().endsWith(suffix)) {
        Thread.UncaughtExceptionHandler previous = t.getUncaughtExceptionHandler();
        t.setUncaughtExceptionHandler((thread, e) -> {
          if (asksStoppedCoordinator(e)) {
            LOG.info("{} asked its run's stopped epoch coordinator for one more epoch as the run ended"
                + " (a Spark 4.2.0 race at the end of every run; nothing is lost)", thread.getName());
          } else {
            previous.uncaughtException(thread, e);
          }
        });
        return true;
      }
    }
    return false;
  }

  static boolean asksStoppedCoordinator(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().startsWith(STOPPED_COORDINATOR)) {
        return true;
      }
    }
    return false;
  }
}
