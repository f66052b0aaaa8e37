package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.junit.jupiter.api.Test;

class SharedEpochWatchTest {

  /** A coordinator double that remembers which threads asked it for the epoch. */
  private static final class AskedCoordinator implements EpochCoordination {
    final AtomicLong epoch = new AtomicLong();
    final Set<String> askingThreads = ConcurrentHashMap.newKeySet();

    @Override
    public long currentEpoch() {
      askingThreads.add(Thread.currentThread().getName());
      return epoch.get();
    }

    @Override
    public void reportPartitionOffset(int partition, long e, PartitionOffset offset) {}

    @Override
    public void commitPartitionEpoch(int partition, long e, WriterCommitMessage message) {}
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }

  @Test
  void theSourceTasksOfOneRunShareOnePollerAndSeeEveryEpochAtOnce() {
    String run = "run-" + UUID.randomUUID();
    AskedCoordinator first = new AskedCoordinator();
    AskedCoordinator second = new AskedCoordinator();
    int before = SharedEpochWatch.running();
    SharedEpochWatch a = SharedEpochWatch.subscribe(run, first, 4, 1);
    SharedEpochWatch b = SharedEpochWatch.subscribe(run, second, 4, 1);
    assertThat(SharedEpochWatch.running()).isEqualTo(before + 1);

    first.epoch.set(7);

    await().atMost(Duration.ofSeconds(10)).until(() -> a.endedEpochs() == 3);
    assertThat(b.endedEpochs()).isEqualTo(3);
    // One thread asks, through the first subscriber's client; the second's is never used.
    String watchThread = "rtm-epoch-watch-" + SharedEpochWatch.threadName(run);
    assertThat(first.askingThreads).containsExactly(watchThread);
    assertThat(second.askingThreads).isEmpty();

    a.close();
    a.close(); // idempotent: must not take b's share
    first.epoch.set(8);
    await().atMost(Duration.ofSeconds(10)).until(() -> b.endedEpochs() == 4);

    b.close();
    assertThat(SharedEpochWatch.running()).isEqualTo(before);
    await().atMost(Duration.ofSeconds(10)).until(() -> !threadAlive(watchThread));
  }

  @Test
  void differentRunsOrStartEpochsHaveTheirOwnWatch() {
    String run = "run-" + UUID.randomUUID();
    AskedCoordinator coordinator = new AskedCoordinator();
    int before = SharedEpochWatch.running();
    try (SharedEpochWatch x = SharedEpochWatch.subscribe(run, coordinator, 0, 1);
        SharedEpochWatch y = SharedEpochWatch.subscribe("next-" + run, coordinator, 0, 1);
        SharedEpochWatch z = SharedEpochWatch.subscribe(run, coordinator, 5, 1)) {
      assertThat(SharedEpochWatch.running()).isEqualTo(before + 3);
      coordinator.epoch.set(6);
      await().atMost(Duration.ofSeconds(10)).until(() -> x.endedEpochs() == 6 && y.endedEpochs() == 6);
      await().atMost(Duration.ofSeconds(10)).until(() -> z.endedEpochs() == 1);
    }
    assertThat(SharedEpochWatch.running()).isEqualTo(before);
  }
}
