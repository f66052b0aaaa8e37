package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.upper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import io.rtm.compat.KafkaTransactions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka sink in exactly-once mode (spark.rtm.kafka.exactlyOnce=true) with a real broker. */
class ExactlyOnceKafkaIT {
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  /** No generated input has this id: the zombie's row. */
  private static final long ZOMBIE_EVENT_ID = 999_999_999L;

  @BeforeAll
  static void start() {
    Sessions.pluginJar();
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    spark = Sessions.realTime("local[8]")
        .config("spark.rtm.kafka.exactlyOnce", "true")
        .config("spark.sql.streaming.minBatchesToRetain", "100000")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static String topic(String name, int partitions) {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  @Test
  void aReadCommittedConsumerSeesEachInputExactlyOnceAcrossATaskFailure() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    FailureInjection failure = new FailureInjection(Sessions.workDir("inject"));
    ChaosChecks.RunStarts runs = new ChaosChecks.RunStarts();
    spark.sparkContext().addSparkListener(runs);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector committed = new KafkaTopics.Collector(broker.bootstrapServers(), out, true);
         KafkaTopics.Collector everything = new KafkaTopics.Collector(broker.bootstrapServers(), out, false)) {
      Dataset<Row> shuffled = Queries.events(spark, broker.bootstrapServers(), in)
          .filter(col("amount").gt(10.0))
          .repartition(2, col("account_id"));
      Dataset<Row> result = failure.applyTo(shuffled, FailureInjection.Mode.ONCE)
          .select(col("account_id").as("key"),
              to_json(struct(col("event_id"), col("account_id"), col("amount"),
                  upper(col("merchant")).as("merchant"))).as("value"));
      StreamingQuery query = Queries.toKafka(result, broker.bootstrapServers(), out, checkpoint.toString())
          .trigger(Trigger.Continuous("200 milliseconds"))
          .start();
      try {
        List<KafkaTopics.Sent> sent = new ArrayList<>(producer.sendRange(in, 0, 200));
        long warm = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.values().size() >= warm);

        long lossAt;
        List<KafkaTopics.Sent> fed;
        try (ChaosChecks.SteadyFeed feed = new ChaosChecks.SteadyFeed(producer, in, 1_000_000, 5)) {
          await().atMost(Duration.ofSeconds(10)).until(() -> feed.sent().size() >= 200);
          failure.arm();
          await().atMost(Duration.ofSeconds(30)).until(failure::fired);
          lossAt = failure.failedAtMs();
          await().atMost(Duration.ofSeconds(60)).until(() -> runs.runs().size() >= 2);
          await().atMost(Duration.ofSeconds(60)).until(() -> System.currentTimeMillis() > lossAt + 4_000);
          feed.close();
          fed = feed.sent();
          sent.addAll(fed);
        }
        Set<Long> expected = sent.stream().filter(s -> Queries.kept(s.eventId()))
            .map(KafkaTopics.Sent::eventId).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.values().size() >= expected.size());

        assertThat(query.exception().isDefined()).isFalse();
        assertEachInputOnce(committed.values(), expected);
        System.out.printf("EXACTLY-ONCE kafka: %d inputs once each for read_committed across %d runs; "
                + "read_uncommitted saw %d records (aborted ones included); recovery %d ms; median latency"
                + " to read_committed before the failure %d ms%n",
            expected.size(), runs.runs().size(), everything.values().size(),
            ChaosChecks.recoveryMs(sent, committed.received(), lossAt),
            ChaosChecks.medianLatencyBeforeMs(fed, committed.received(), lossAt));
      } finally {
        query.stop();
      }
    } finally {
      spark.sparkContext().removeSparkListener(runs);
    }
  }

  /**
   * A zombie: a producer of a sink task's transactional id that opened its transaction before the
   * task's current attempt started (an attempt the driver gave up on, still running somewhere). The
   * new attempt's {@code initTransactions} must fence it: its open transaction is aborted, its
   * commit fails, and a {@code read_committed} consumer never sees its row.
   */
  @Test
  void aZombieProducerOfASinkTaskIsFencedByTheNextAttemptAndCommitsNothing() throws Exception {
    String in = topic("zin", 2);
    String out = topic("zout", 1);
    String checkpoint = Sessions.workDir("cp").toString();
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector committed = new KafkaTopics.Collector(broker.bootstrapServers(), out, true)) {
      List<KafkaTopics.Sent> sent = new ArrayList<>(producer.sendRange(in, 0, 100));
      StreamingQuery first = startShuffled(in, out, checkpoint);
      UUID queryId = first.id();
      try {
        long kept = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
        await().atMost(Duration.ofSeconds(60)).until(() -> committed.values().size() >= kept);
      } finally {
        first.stop();
      }

      // The id the sink derives for partition 0's first producer (TransactionalKafkaWriterFactory).
      KafkaProducer<String, String> zombie = producer("rtm-" + queryId + "-0");
      try {
        zombie.initTransactions();
        zombie.beginTransaction();
        zombie.send(new ProducerRecord<>(out, "zombie", "{\"event_id\":" + ZOMBIE_EVENT_ID + "}")).get();

        StreamingQuery second = startShuffled(in, out, checkpoint);
        try {
          assertThat(second.id()).isEqualTo(queryId);
          sent.addAll(producer.sendRange(in, 100, 100));
          Set<Long> expected = sent.stream().filter(s -> Queries.kept(s.eventId()))
              .map(KafkaTopics.Sent::eventId).collect(Collectors.toSet());
          // An open zombie transaction would hold back read_committed on the partition until it
          // timed out (ten minutes): output arriving at all shows the new attempt aborted it.
          await().atMost(Duration.ofSeconds(60)).until(() -> committed.values().size() >= expected.size());

          assertThatThrownBy(zombie::commitTransaction)
              .as("the zombie's commit after the new attempt started")
              .isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);
          assertThat(second.exception().isDefined()).isFalse();
          // The zombie's row, ZOMBIE_EVENT_ID, would be an input not in expected.
          assertEachInputOnce(committed.values(), expected);
        } finally {
          second.stop();
        }
      } finally {
        zombie.close(Duration.ZERO);
      }
    }
  }

  /** What a read_committed consumer saw: each expected input exactly once, and nothing else. */
  private static void assertEachInputOnce(List<String> readCommitted, Set<Long> expected) {
    Map<Long, Long> counts = readCommitted.stream()
        .collect(Collectors.groupingBy(Events::idOf, Collectors.counting()));
    assertThat(counts.keySet()).as("inputs seen by read_committed").isEqualTo(expected);
    assertThat(counts.values()).as("copies per input for read_committed").allMatch(n -> n == 1);
  }

  /** The shuffled query of {@link Queries#shuffled} from {@code in} to {@code out}; the same query id on every start. */
  private static StreamingQuery startShuffled(String in, String out, String checkpoint) throws Exception {
    return Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 2), broker.bootstrapServers(), out,
            checkpoint)
        .trigger(Trigger.Continuous("200 milliseconds")).start();
  }

  @Test
  void aTransactionLeftFlushedByADeadProducerIsCommittedByItsSuccessorAndAgainHarmlessly() throws Exception {
    String out = topic("txn", 1);
    String id = "rtm-it-" + out;
    try (KafkaTopics.Collector committed = new KafkaTopics.Collector(broker.bootstrapServers(), out, true)) {
      KafkaProducer<String, String> dead = producer(id);
      dead.initTransactions();
      dead.beginTransaction();
      for (int i = 0; i < 3; i++) {
        dead.send(new ProducerRecord<>(out, "k", "v" + i));
      }
      dead.flush();
      ProducerIdAndEpoch prepared = KafkaTransactions.producerIdAndEpoch(dead);
      // A forced close does not abort: the task died between flush and commit.
      dead.close(Duration.ZERO);

      for (int attempt = 0; attempt < 2; attempt++) {
        try (KafkaProducer<String, String> successor = producer(id)) {
          KafkaTransactions.resume(successor, prepared.producerId, prepared.epoch);
          successor.commitTransaction();
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> committed.values().size() >= 3);
      assertThat(committed.values()).containsExactly("v0", "v1", "v2");

      // The id stays usable: a new producer fences the old epoch and writes on.
      try (KafkaProducer<String, String> next = producer(id)) {
        next.initTransactions();
        next.beginTransaction();
        next.send(new ProducerRecord<>(out, "k", "v3"));
        next.commitTransaction();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> committed.values().size() >= 4);
      assertThat(committed.values()).containsExactly("v0", "v1", "v2", "v3");
    }
  }

  private static KafkaProducer<String, String> producer(String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }
}
