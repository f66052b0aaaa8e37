package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/** What the recovery and chaos tests feed, observe and check. */
final class ChaosChecks {
  private ChaosChecks() {}

  /** Sends unique ids, one every {@code intervalMs}, on its own thread until closed. */
  static final class SteadyFeed implements AutoCloseable {
    private final List<KafkaTopics.Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId;
    private final Thread thread;
    private volatile boolean running = true;

    SteadyFeed(KafkaTopics.Producer producer, String topic, long firstId, long intervalMs) {
      nextId = new AtomicLong(firstId);
      thread = new Thread(() -> {
        long next = System.nanoTime();
        while (running) {
          long id = nextId.getAndIncrement();
          sent.add(producer.send(topic, id, Events.account(id), Events.amount(id), Events.merchant(id)));
          next += intervalMs * 1_000_000L;
          // A paced loop: the wait is the feed's rate, not a synchronisation.
          java.util.concurrent.locks.LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
      }, "chaos-feed-" + topic);
      thread.setDaemon(true);
      thread.start();
    }

    List<KafkaTopics.Sent> sent() {
      return List.copyOf(sent);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }
  }

  /** The start epoch of every run of the query (ContinuousExecution sets both as job properties). */
  static final class RunStarts extends SparkListener {
    private final Map<String, Long> epochByCoordinator = new java.util.LinkedHashMap<>();

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
      if (e.properties() == null) {
        return;
      }
      String coordinator = e.properties().getProperty("__epoch_coordinator_id");
      String epoch = e.properties().getProperty("__continuous_start_epoch");
      if (coordinator != null && epoch != null) {
        epochByCoordinator.putIfAbsent(coordinator, Long.parseLong(epoch));
      }
    }

    /** Start epochs of the runs, in order; more than one means the query restarted. */
    synchronized List<Long> runs() {
      return List.copyOf(epochByCoordinator.values());
    }
  }

  /**
   * Zero lost, and every duplicate comes from the epoch that had not committed when the query
   * restarted: its input offset is at or after the end offsets of the epoch before the first
   * restarted run's start epoch.
   */
  static void assertNoLossAndDuplicatesOnlyAfterTheRestartOffsets(List<KafkaTopics.Sent> sent,
      List<String> output, Path checkpoint, List<Long> runStarts) throws Exception {
    Set<Long> expected = sent.stream().filter(s -> Queries.kept(s.eventId()))
        .map(KafkaTopics.Sent::eventId).collect(Collectors.toSet());
    Map<Long, Long> counts = output.stream().collect(Collectors.groupingBy(Events::idOf, Collectors.counting()));
    assertThat(counts.keySet()).as("ids written").containsAll(expected);
    assertThat(runStarts).as("start epochs of the runs").hasSizeGreaterThan(1);
    long firstRestart = runStarts.get(1);
    Map<Integer, Long> restartOffsets = firstRestart == 0 ? Map.of()
        : CheckpointFiles.kafkaOffsetsAt(checkpoint, firstRestart - 1);
    Map<Long, KafkaTopics.Sent> byId = sent.stream()
        .collect(Collectors.toMap(KafkaTopics.Sent::eventId, s -> s));
    counts.forEach((id, n) -> {
      if (n > 1) {
        KafkaTopics.Sent s = byId.get(id);
        assertThat(s.offset())
            .as("event %d (partition %d) written %d times although committed before the restart", id,
                s.partition(), n)
            .isGreaterThanOrEqualTo(restartOffsets.getOrDefault(s.partition(), 0L));
      }
    });
  }

  /** Duplicated output records, for the report. */
  static long duplicates(List<String> output) {
    return output.size() - output.stream().map(Events::idOf).distinct().count();
  }

  /**
   * Recovery time: the longest end-to-end wait of a kept record sent at or after the loss. The
   * first such record waits for detection, backoff, re-planning and the new tasks' start.
   */
  static long recoveryMs(List<KafkaTopics.Sent> sent, List<KafkaTopics.Collector.Received> received, long lossAtMs) {
    Map<Long, Long> firstArrival = received.stream()
        .collect(Collectors.toMap(r -> Events.idOf(r.value()), KafkaTopics.Collector.Received::arrivedAtMs, Math::min));
    long worst = 0;
    for (KafkaTopics.Sent s : sent) {
      if (s.sentAtMs() >= lossAtMs && Queries.kept(s.eventId()) && firstArrival.containsKey(s.eventId())) {
        worst = Math.max(worst, firstArrival.get(s.eventId()) - s.sentAtMs());
      }
    }
    return worst;
  }

  /** Median end-to-end latency of kept records sent before the loss, for comparison. */
  static long medianLatencyBeforeMs(List<KafkaTopics.Sent> sent, List<KafkaTopics.Collector.Received> received,
      long lossAtMs) {
    Map<Long, Long> firstArrival = received.stream()
        .collect(Collectors.toMap(r -> Events.idOf(r.value()), KafkaTopics.Collector.Received::arrivedAtMs, Math::min));
    List<Long> latencies = new ArrayList<>();
    for (KafkaTopics.Sent s : sent) {
      if (s.sentAtMs() < lossAtMs && firstArrival.containsKey(s.eventId())) {
        latencies.add(firstArrival.get(s.eventId()) - s.sentAtMs());
      }
    }
    Collections.sort(latencies);
    return latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2);
  }
}
