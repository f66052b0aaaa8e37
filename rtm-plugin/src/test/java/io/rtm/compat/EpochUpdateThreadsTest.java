package io.rtm.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

class EpochUpdateThreadsTest {

  /** A thread group that records what reaches it, as the default handler would. */
  private static final class RecordingGroup extends ThreadGroup {
    final List<Throwable> reached = new CopyOnWriteArrayList<>();

    RecordingGroup() {
      super("recording");
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
      reached.add(e);
    }
  }

  @Test
  void onlyTheStoppedCoordinatorRaceIsQuietedOnTheRunsOwnThread() throws Exception {
    RecordingGroup group = new RecordingGroup();
    RuntimeException stopped = new RuntimeException("Exception thrown in awaitResult: ",
        new SparkException("Could not find EpochCoordinator-abc--def."));
    IllegalStateException other = new IllegalStateException("something else");

    dieOnEpochThread(group, "q1", "r1", stopped);
    dieOnEpochThread(group, "q1", "r1", other);
    // Another query's thread is left alone even with the same exception.
    CountDownLatch go = new CountDownLatch(1);
    Thread gated = new Thread(group, () -> {
      awaitQuietly(go);
      throw stopped;
    }, "epoch update thread for [id = q2, runId = r2]");
    gated.start();
    EpochUpdateThreads.quietStoppedCoordinator("q1", "r1");
    go.countDown();
    gated.join(10_000);

    assertThat(group.reached).containsExactly(other, stopped);
  }

  private static void dieOnEpochThread(RecordingGroup group, String query, String run, RuntimeException e)
      throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    Thread t = new Thread(group, () -> {
      awaitQuietly(go);
      throw e;
    }, "epoch update thread for myQuery [id = " + query + ", runId = " + run + "]");
    t.start();
    assertThat(EpochUpdateThreads.quietStoppedCoordinator(query, run)).isTrue();
    go.countDown();
    t.join(10_000);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
