package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.ChildProcess;
import io.rtm.bench.harness.JavaCommand;
import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver JVM is killed with SIGKILL mid-stream (its local executors die with it) and the query
 * is started again from its checkpoint, as an operator or a cluster manager would.
 */
class DriverKillIT {
  private static KafkaBroker broker;

  @BeforeAll
  static void start() {
    Sessions.pluginJar();
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void atLeastOnceLosesNothingAndRepeatsOnlyTheOpenEpoch() throws Exception {
    Output output = killTheDriverMidStream(false);
    assertThat(output.duplicates()).as("duplicates stay within the open epoch (checked above)").isGreaterThanOrEqualTo(0);
  }

  @Test
  void exactlyOnceKafkaFinishesTheTransactionsTheKilledDriverLeftAndWritesEachInputOnce() throws Exception {
    Output output = killTheDriverMidStream(true);
    assertThat(output.duplicates()).as("duplicates for read_committed").isZero();
  }

  record Output(long duplicates) {}

  private Output killTheDriverMidStream(boolean exactlyOnce) throws Exception {
    String in = "driver-kill-in-" + exactlyOnce;
    String out = "driver-kill-out-" + exactlyOnce;
    broker.createTopic(in, 2);
    broker.createTopic(out, 1);
    Path checkpoint = Sessions.workDir("cp");
    Path logs = Sessions.workDir("driver-logs");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out, exactlyOnce);
         ChaosChecks.SteadyFeed feed = new ChaosChecks.SteadyFeed(producer, in, 0, 10)) {
      ChildProcess first = driver(in, out, checkpoint, exactlyOnce, logs.resolve("first.log"));
      Map<Integer, Long> committedAtKill;
      long killedAt;
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> collector.values().size() >= 100);
        await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 3);
        killedAt = System.currentTimeMillis();
        first.kill();
        // The driver is dead: nothing commits any more, so this is exactly where the restart resumes.
        committedAtKill = CheckpointFiles.lastCommittedKafkaOffsets(checkpoint);
      } finally {
        first.kill();
      }
      ChildProcess second = driver(in, out, checkpoint, exactlyOnce, logs.resolve("second.log"));
      try {
        long restartedAt = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(120)).until(() -> collector.received().stream()
            .anyMatch(r -> r.arrivedAtMs() > restartedAt));
        long firstOutputAfterRestart = collector.received().stream().mapToLong(KafkaTopics.Collector.Received::arrivedAtMs)
            .filter(t -> t > restartedAt).min().orElseThrow() - restartedAt;
        await().atMost(Duration.ofSeconds(30)).until(() -> System.currentTimeMillis() > restartedAt + firstOutputAfterRestart + 3_000);
        feed.close();
        List<KafkaTopics.Sent> sent = new ArrayList<>(feed.sent());
        Set<Long> expected = sent.stream().filter(s -> Queries.kept(s.eventId()))
            .map(KafkaTopics.Sent::eventId).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(60))
            .until(() -> collector.values().stream().map(Events::idOf).collect(Collectors.toSet()).containsAll(expected));

        Map<Long, Long> counts = collector.values().stream()
            .collect(Collectors.groupingBy(Events::idOf, Collectors.counting()));
        assertThat(counts.keySet()).containsAll(expected);
        Map<Long, KafkaTopics.Sent> byId = sent.stream().collect(Collectors.toMap(KafkaTopics.Sent::eventId, s -> s));
        counts.forEach((id, n) -> {
          if (n > 1) {
            KafkaTopics.Sent s = byId.get(id);
            assertThat(s.offset())
                .as("event %d written %d times although committed before the kill", id, n)
                .isGreaterThanOrEqualTo(committedAtKill.getOrDefault(s.partition(), 0L));
          }
        });
        long duplicates = ChaosChecks.duplicates(collector.values());
        System.out.printf("DRIVER KILL (%s): %d kept inputs, none lost, %d duplicates; new driver's first output"
                + " %d ms after its JVM started (driver down %d ms before that)%n",
            exactlyOnce ? "exactly-once Kafka sink" : "at-least-once", expected.size(), duplicates,
            firstOutputAfterRestart, restartedAt - killedAt);
        return new Output(duplicates);
      } finally {
        second.stop(Duration.ofSeconds(10));
      }
    }
  }

  private static ChildProcess driver(String in, String out, Path checkpoint, boolean exactlyOnce, Path log) {
    return JavaCommand.main(KillableDriverApp.class.getName())
        .classpath(System.getProperty("java.class.path"))
        .jvmArgs("-Xmx768m")
        .jvmArgs(JavaCommand.SPARK_JAVA17_OPTIONS)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .args(broker.bootstrapServers(), in, out, checkpoint.toString(), Boolean.toString(exactlyOnce))
        .start("driver", log.getParent(), log);
  }
}
