package io.rtm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine end to end on a local master: a real KRaft broker, a shuffled Kafka-to-Kafka query with
 * the switch on, and the shaded plugin jar on the classpath, as a user runs it.
 */
class RealTimeModeIT {
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    Sessions.pluginJar();
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    spark = Sessions.realTime("local[8]").getOrCreate();
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void stopQueries() {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (Exception ignored) {
        // a test that expected the failure already checked it
      }
    }
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String topic(String name, int partitions) throws Exception {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  private StreamingQuery startShuffled(String in, String out, Path checkpoint, String epoch, int shufflePartitions)
      throws Exception {
    StreamingQuery q = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, shufflePartitions),
            broker.bootstrapServers(), out, checkpoint.toString())
        .trigger(Trigger.Continuous(epoch))
        .start();
    queries.add(q);
    return q;
  }

  /** Tracks running tasks per stage as the scheduler reports them. */
  static final class RunningTasks extends SparkListener {
    final Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
    final Set<String> executors = ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      running.computeIfAbsent(e.stageId(), k -> new AtomicInteger()).incrementAndGet();
      executors.add(e.taskInfo().executorId());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      running.computeIfAbsent(e.stageId(), k -> new AtomicInteger()).decrementAndGet();
    }

    Map<Integer, Integer> snapshot() {
      Map<Integer, Integer> m = new HashMap<>();
      running.forEach((k, v) -> {
        if (v.get() > 0) {
          m.put(k, v.get());
        }
      });
      return m;
    }
  }

  @Test
  void allStagesRunAtTheSameTimeAndRowsFlowThroughTheShuffle() throws Exception {
    RunningTasks listener = new RunningTasks();
    spark.sparkContext().addSparkListener(listener);
    try {
      String in = topic("in", 2);
      String out = topic("out", 1);
      try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
           KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
        startShuffled(in, out, Sessions.workDir("cp"), "100 milliseconds", 3);
        // Source stage: 2 tasks (one per Kafka partition); sink stage: 3 tasks (repartition(3)).
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          Map<Integer, Integer> now = listener.snapshot();
          return now.size() == 2 && now.values().stream().mapToInt(Integer::intValue).sum() == 5;
        });
        Map<Integer, Integer> concurrent = listener.snapshot();
        assertThat(concurrent.values()).containsExactlyInAnyOrder(2, 3);

        List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 200);
        long expected = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
        await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= expected);
        // Both stages are still running: the tasks did not end at any of the epoch boundaries.
        assertThat(listener.snapshot()).isEqualTo(concurrent);
      }
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void aRecordReachesTheSinkLongBeforeItsEpochEnds() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      Path checkpoint = Sessions.workDir("cp");
      startShuffled(in, out, checkpoint, "60 seconds", 2);
      // Warm-up: once one record came through, every task runs and every consumer is assigned.
      producer.send(in, 1, "acct-1", 99.0, "warm");
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() == 1);
      // Spark aligns trigger times to multiples of the interval on the wall clock, so an epoch may
      // end during the warm-up; what must hold is that none ends between a probe's send and arrival.
      await().atMost(Duration.ofSeconds(60)).until(() -> committedEpochs(checkpoint) >= 1);
      int committedBefore = committedEpochs(checkpoint);

      List<Long> latencies = new ArrayList<>();
      for (long id = 2; id <= 6; id++) {
        KafkaTopics.Sent sent = producer.send(in, id, "acct-" + id, 50.0, "probe");
        int before = (int) (id - 1);
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
            .until(() -> collector.received().size() > before);
        latencies.add(collector.received().get(before).arrivedAtMs() - sent.sentAtMs());
      }
      // All five arrived inside the first 60-second epoch, each well under a second.
      assertThat(latencies).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
      // ...and no epoch committed meanwhile: they reached the sink inside their epoch.
      assertThat(committedEpochs(checkpoint)).isEqualTo(committedBefore);
    }
  }

  @Test
  void outputEqualsStockMicroBatchOutputOnTheSameInput() throws Exception {
    String in = topic("in", 2);
    String rtOut = topic("out-rt", 1);
    String mbOut = topic("out-mb", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector rt = new KafkaTopics.Collector(broker.bootstrapServers(), rtOut);
         KafkaTopics.Collector mb = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 2000);
      long expected = sent.stream().filter(s -> Queries.kept(s.eventId())).count();

      startShuffled(in, rtOut, Sessions.workDir("cp"), "200 milliseconds", 3);
      await().atMost(Duration.ofSeconds(90)).until(() -> rt.values().size() >= expected);

      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      StreamingQuery microBatch = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 3),
              broker.bootstrapServers(), mbOut, Sessions.workDir("cp-mb").toString())
          .trigger(Trigger.AvailableNow())
          .start();
      microBatch.awaitTermination();
      await().atMost(Duration.ofSeconds(30)).until(() -> mb.values().size() >= expected);

      assertThat(multiset(rt.values())).isEqualTo(multiset(mb.values()));
      assertThat(rt.values()).hasSize((int) expected);
    }
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void aRestartResumesFromTheLastCommittedEpochAndLosesNothing() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery first = startShuffled(in, out, checkpoint, "200 milliseconds", 2);
      List<KafkaTopics.Sent> sent = new ArrayList<>(producer.sendRange(in, 0, 500));
      long expectedA = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= expectedA);
      // Several epochs commit while the query runs.
      await().atMost(Duration.ofSeconds(30)).until(() -> committedEpochs(checkpoint) >= 3);
      // More input arrives in the middle of an epoch, then the query stops.
      sent.addAll(producer.sendRange(in, 500, 300));
      first.stop();
      Map<Integer, Long> committed = CheckpointFiles.lastCommittedKafkaOffsets(checkpoint);

      // Produced while the query is down.
      sent.addAll(producer.sendRange(in, 800, 400));
      startShuffled(in, out, checkpoint, "200 milliseconds", 2);
      long expectedAll = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> distinctIds(collector.values()).size() >= expectedAll);

      Map<Long, Long> counts = collector.values().stream()
          .collect(Collectors.groupingBy(Events::idOf, Collectors.counting()));
      Set<Long> expectedIds = sent.stream().filter(s -> Queries.kept(s.eventId()))
          .map(KafkaTopics.Sent::eventId).collect(Collectors.toSet());
      assertThat(counts.keySet()).isEqualTo(expectedIds);
      // Duplicates may only come from records after the last committed offsets (the open epoch).
      Map<Long, KafkaTopics.Sent> byId = sent.stream()
          .collect(Collectors.toMap(KafkaTopics.Sent::eventId, s -> s));
      counts.forEach((id, n) -> {
        if (n > 1) {
          KafkaTopics.Sent s = byId.get(id);
          assertThat(s.offset())
              .as("event %d (partition %d) was written twice although its offset was committed", id, s.partition())
              .isGreaterThanOrEqualTo(committed.getOrDefault(s.partition(), 0L));
        }
      });
    }
  }

  private static int committedEpochs(Path checkpoint) throws Exception {
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (var files = Files.list(commits)) {
      return (int) files.filter(p -> p.getFileName().toString().matches("\\d+")).count();
    }
  }

  private static Set<Long> distinctIds(List<String> values) {
    return values.stream().map(Events::idOf).collect(Collectors.toSet());
  }

  @Test
  void tooFewSlotsFailsWithTheNumbers() throws Exception {
    spark.conf().set("spark.rtm.scheduling.slotWaitMs", "500");
    try {
      // 2 source tasks + 10 shuffle tasks = 12 long-lived tasks on local[8].
      StreamingQuery q = startShuffled(topic("in", 2), topic("out", 1), Sessions.workDir("cp"), "1 second", 10);
      assertThatThrownBy(() -> q.awaitTermination(60_000))
          .isInstanceOf(StreamingQueryException.class)
          .hasStackTraceContaining("RTM_INSUFFICIENT_TASK_SLOTS")
          .hasStackTraceContaining("needs 12 task slots");
    } finally {
      spark.conf().unset("spark.rtm.scheduling.slotWaitMs");
    }
  }

  @Test
  void anUnsupportedOperatorFailsAtStartNamingIt() throws Exception {
    String a = topic("in-a", 1);
    String b = topic("in-b", 1);
    // A full outer stream-stream join: real-time mode runs inner, left and right outer joins only.
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> right = Queries.events(spark, broker.bootstrapServers(), b)
        .withWatermark("ts", "1 second").selectExpr("account_id AS r_account", "ts AS r_ts");
    assertThatThrownBy(() -> Queries.toKafka(
            Queries.events(spark, broker.bootstrapServers(), a).withWatermark("ts", "1 second")
                .join(right, org.apache.spark.sql.functions.expr(
                    "account_id = r_account AND r_ts BETWEEN ts AND ts + interval 1 second"), "full_outer")
                .selectExpr("account_id AS key", "to_json(struct(*)) AS value"),
            broker.bootstrapServers(), topic("out", 1), Sessions.workDir("cp").toString())
        .trigger(Trigger.Continuous("1 second"))
        .start())
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_UNSUPPORTED_OPERATOR"))
        .hasMessageContaining("Join")
        .hasMessageContaining("SQLSTATE: 0A000");
  }

  @Test
  void switchOffIsStockSpark() throws Exception {
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    String in = topic("in", 1);
    // Stock continuous processing rejects the shuffle, with Spark's own error.
    assertThatThrownBy(() -> startShuffled(in, topic("out", 1), Sessions.workDir("cp"), "1 second", 2))
        .hasMessageContaining("Continuous processing does not support");
    // A stateless query runs on Spark's own continuous engine, untouched.
    StreamingQuery q = Queries.toKafka(Queries.events(spark, broker.bootstrapServers(), in)
                .selectExpr("account_id AS key", "to_json(struct(*)) AS value"),
            broker.bootstrapServers(), topic("out", 1), Sessions.workDir("cp").toString())
        .trigger(Trigger.Continuous("1 second"))
        .start();
    queries.add(q);
    await().atMost(Duration.ofSeconds(60)).until(() ->
        ((StreamingQueryWrapper) q).streamingQuery().lastExecution() != null);
    String plan = ((StreamingQueryWrapper) q).streamingQuery().lastExecution().executedPlan().toString();
    assertThat(plan).contains("WriteToContinuousDataSource").doesNotContain("RealTimeWrite");
  }
}
