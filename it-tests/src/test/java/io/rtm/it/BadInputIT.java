package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input and bad checkpoints: each either handled or failing with a clear error, nothing silently lost. */
class BadInputIT {
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() {
    Sessions.pluginJar();
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    spark = Sessions.realTime("local[8]").getOrCreate();
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

  @AfterEach
  void stopQueries() {
    queries.forEach(q -> {
      try {
        q.stop();
      } catch (Exception ignored) {
        // checked by the test
      }
    });
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String topic(String name, int partitions) {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  /** Every event to Kafka as JSON with its raw input, so an unparsable record stays visible. */
  private StreamingQuery passThrough(String in, String out, Path checkpoint) throws Exception {
    return passThrough(in, out, checkpoint, true);
  }

  private StreamingQuery passThrough(String in, String out, Path checkpoint, boolean failOnDataLoss) throws Exception {
    Dataset<Row> parsed = spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", broker.bootstrapServers())
        .option("subscribe", in)
        .option("startingOffsets", "earliest")
        .option("failOnDataLoss", Boolean.toString(failOnDataLoss))
        .load()
        .select(col("value").cast("string").as("raw"),
            org.apache.spark.sql.functions.from_json(col("value").cast("string"), Queries.EVENT).as("e"));
    StreamingQuery q = Queries.toKafka(parsed.select(col("raw").as("key"),
                to_json(struct(col("e.event_id"), col("e.amount"))).as("value")),
            broker.bootstrapServers(), out, checkpoint.toString())
        .trigger(Trigger.Continuous("200 milliseconds"))
        .start();
    queries.add(q);
    return q;
  }

  @Test
  void anUnparsableRecordBecomesANullRowAndIsNotDropped() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaProducer<String, String> raw = rawProducer();
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      passThrough(in, out, Sessions.workDir("cp"));
      producer.sendRange(in, 0, 10);
      raw.send(new ProducerRecord<>(in, "x", "this is not json {")).get();
      producer.sendRange(in, 10, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 21);
      // from_json (PERMISSIVE, Spark's default) yields null fields: the row is kept, with no event.
      assertThat(collector.values()).hasSize(21);
      assertThat(collector.values().stream().filter(v -> v.equals("{}")).count()).isEqualTo(1);
    }
  }

  @Test
  void aCheckpointOfStockMicroBatchIsContinuedWithoutReprocessing() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      List<KafkaTopics.Sent> first = producer.sendRange(in, 0, 200);
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      StreamingQuery stock = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 2),
              broker.bootstrapServers(), out, checkpoint.toString())
          .trigger(Trigger.AvailableNow()).start();
      stock.awaitTermination();
      long keptFirst = first.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(30)).until(() -> collector.values().size() >= keptFirst);

      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      StreamingQuery rt = Queries.toKafka(Queries.shuffled(spark, broker.bootstrapServers(), in, 2),
              broker.bootstrapServers(), out, checkpoint.toString())
          .trigger(Trigger.Continuous("200 milliseconds")).start();
      queries.add(rt);
      List<KafkaTopics.Sent> second = producer.sendRange(in, 200, 200);
      long keptAll = keptFirst + second.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= keptAll);
      assertThat(collector.values().stream().map(Events::idOf).collect(Collectors.toSet())).hasSize((int) keptAll);
      assertThat(collector.values()).as("nothing the stock query committed is written again").hasSize((int) keptAll);
    }
  }

  @Test
  void aCorruptCheckpointFileFailsTheStartNamingTheFile() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      StreamingQuery q = passThrough(in, out, checkpoint);
      producer.sendRange(in, 0, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 2);
      q.stop();
      long last;
      try (var files = Files.list(checkpoint.resolve("commits"))) {
        last = files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
            .mapToLong(Long::parseLong).max().orElseThrow();
      }
      Path offsets = checkpoint.resolve("offsets").resolve(Long.toString(last));
      Files.writeString(offsets, "garbage");
      StreamingQuery restarted = passThrough(in, out, checkpoint);
      assertThatThrownBy(() -> restarted.awaitTermination(60_000))
          .isInstanceOf(StreamingQueryException.class)
          .hasMessageContaining("MALFORMED_LOG_FILE")
          .hasMessageContaining(checkpoint.getFileName() + "/offsets/" + last);
    }
  }

  @Test
  void aTopicDeletedMidStreamFailsTheQueryWithKafkasErrorInsteadOfHanging() throws Exception {
    spark.conf().set("spark.rtm.recovery.epochStallTimeoutMs", "3000");
    spark.conf().set("spark.rtm.recovery.maxRetries", "1");
    String in = topic("in", 1);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery q = passThrough(in, out, Sessions.workDir("cp"));
      producer.sendRange(in, 0, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 10);
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          java.util.Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.deleteTopics(List.of(in)).all().get();
      }
      Throwable failure = awaitFailure(q, 120);
      System.out.println("DELETED TOPIC: " + firstLine(failure));
      assertThat(failure).isInstanceOf(StreamingQueryException.class);
      // Without the epoch watch the query hung with no epoch and no error (Spark's epoch update thread
      // died on the missing topic); now the stalled run restarts and the restart reports Kafka's error.
      assertThat(fullText(failure)).contains("UnknownTopicOrPartitionException");
    } finally {
      spark.conf().unset("spark.rtm.recovery.epochStallTimeoutMs");
      spark.conf().unset("spark.rtm.recovery.maxRetries");
    }
  }

  /**
   * Spark asks the source at every epoch whether its partitions changed; the plugin asks at most
   * once per spark.rtm.source.reconfigurationCheckIntervalMs. A partition added mid-stream must still
   * be found: the run restarts with it and reads it from its earliest offset.
   */
  @Test
  void aPartitionAddedMidStreamIsReadAfterThePartitionCheck() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaProducer<String, String> raw = rawProducer();
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery q = passThrough(in, out, Sessions.workDir("cp"));
      producer.sendRange(in, 0, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 10);
      try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
          java.util.Map.of("bootstrap.servers", broker.bootstrapServers()))) {
        admin.createPartitions(java.util.Map.of(in, org.apache.kafka.clients.admin.NewPartitions.increaseTo(2)))
            .all().get();
      }
      for (long id = 10; id < 20; id++) {
        raw.send(new ProducerRecord<>(in, 1, Events.account(id),
            Events.json(id, Events.account(id), Events.amount(id), Events.merchant(id)))).get();
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 20);
      assertThat(q.isActive()).isTrue();
      assertThat(collector.values().stream().map(Events::idOf).distinct().sorted().toList())
          .isEqualTo(java.util.stream.LongStream.range(0, 20).boxed().toList());
    }
  }

  @Test
  void anUnreachableBrokerAtStartFailsTheQueryWithKafkasTimeout() throws Exception {
    int closedPort = io.rtm.bench.harness.FreePorts.next();
    StreamingQuery q = Queries.toKafka(spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", "127.0.0.1:" + closedPort)
                .option("subscribe", "nowhere")
                .option("kafka.default.api.timeout.ms", "3000")
                .option("kafka.request.timeout.ms", "2000")
                .option("fetchOffset.numRetries", "1")
                .load()
                .selectExpr("CAST(value AS STRING) AS value"),
            broker.bootstrapServers(), topic("out", 1), Sessions.workDir("cp").toString())
        .trigger(Trigger.Continuous("200 milliseconds"))
        .start();
    queries.add(q);
    Throwable failure = awaitFailure(q, 120);
    System.out.println("UNREACHABLE BROKER: " + firstLine(failure));
    assertThat(failure).isInstanceOf(StreamingQueryException.class);
    assertThat(fullText(failure)).containsIgnoringCase("timeout");
  }

  private static Throwable awaitFailure(StreamingQuery q, int seconds) {
    try {
      q.awaitTermination(seconds * 1000L);
    } catch (StreamingQueryException e) {
      return e;
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("the query still runs after " + seconds + " s");
  }

  private static String firstLine(Throwable t) {
    return String.valueOf(t.getMessage()).split("\n")[0];
  }

  private static String fullText(Throwable t) {
    java.io.StringWriter w = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(w));
    return w.toString();
  }

  /**
   * Input deleted from the topic while the query was stopped (retention, deleteRecords): the source
   * tasks' direct polls hand the partition to Kafka's own reader, so failOnDataLoss keeps its meaning:
   * true fails the restart naming the lost offsets, false skips to the first record still there.
   */
  @Test
  void inputDeletedWhileStoppedIsDataLossUnlessFailOnDataLossIsOff() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         Admin admin = Admin.create(Map.<String, Object>of(
             AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      StreamingQuery first = passThrough(in, out, checkpoint, true);
      producer.sendRange(in, 0, 20);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 20);
      // Only a committed epoch makes the restart resume (and so find the gap); with none it starts
      // afresh at the earliest offset still there, which is no data loss.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> CheckpointFiles.lastCommittedKafkaOffsets(checkpoint).getOrDefault(0, 0L) >= 20);
      first.stop();
      List<KafkaTopics.Sent> whileStopped = producer.sendRange(in, 20, 20);
      long keptFrom = whileStopped.get(10).offset();
      admin.deleteRecords(Map.of(new TopicPartition(in, 0), RecordsToDelete.beforeOffset(keptFrom))).all().get();

      StreamingQuery strict = passThrough(in, out, checkpoint, true);
      assertThatThrownBy(() -> strict.awaitTermination(60_000))
          .isInstanceOf(StreamingQueryException.class)
          .hasStackTraceContaining("failOnDataLoss");

      passThrough(in, out, checkpoint, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> eventIds(collector).containsAll(
          java.util.stream.LongStream.range(30, 40).boxed().toList()));
      assertThat(eventIds(collector)).doesNotContainAnyElementsOf(
          java.util.stream.LongStream.range(20, 30).boxed().toList());
    }
  }

  /**
   * The broker (source and sink) goes away mid-stream and comes back on the same port: output
   * stops, then every record, sent before, during and after the outage, arrives (at-least-once).
   */
  @Test
  void aBrokerDownMidStreamDelaysTheOutputButLosesNothing() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery q = passThrough(in, out, Sessions.workDir("cp"));
      try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
        producer.sendRange(in, 0, 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> eventIds(collector).size() >= 20);
      }
      broker.stop();
      long downAt = System.currentTimeMillis();
      // The outage itself: a fixed time with the broker gone while the query keeps running.
      await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(q::isActive);
      broker.restart();
      long upAt = System.currentTimeMillis();
      try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
        producer.sendRange(in, 20, 20);
      }
      List<Long> all = java.util.stream.LongStream.range(0, 40).boxed().toList();
      await().atMost(Duration.ofSeconds(150)).until(() -> eventIds(collector).containsAll(all) || !q.isActive());
      assertThat(q.exception().isDefined() ? q.exception().get().getMessage() : "running").isEqualTo("running");
      assertThat(eventIds(collector)).containsAll(all);
      long lastArrival = collector.received().stream().mapToLong(KafkaTopics.Collector.Received::arrivedAtMs).max().orElseThrow();
      System.out.printf("BROKER DOWN MID-STREAM: down %d ms; every record out %d ms after the broker was back%n",
          upAt - downAt, lastArrival - upAt);
    }
  }

  /**
   * A checkpoint left by a query that read another topic: Spark's Kafka source finds the
   * checkpoint's partitions gone and fails the start naming them and failOnDataLoss, instead of
   * silently reading the old topic or losing the new one's input.
   */
  @Test
  void aCheckpointOfAQueryOnAnotherTopicFailsTheStartNamingItsPartitions() throws Exception {
    String first = topic("first", 1);
    String second = topic("second", 1);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery q = passThrough(first, out, checkpoint);
      producer.sendRange(first, 0, 10);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 10);
      await().atMost(Duration.ofSeconds(30)).until(() -> !CheckpointFiles.lastCommittedKafkaOffsets(checkpoint).isEmpty());
      q.stop();

      producer.sendRange(second, 100, 10);
      StreamingQuery other = passThrough(second, out, checkpoint);
      assertThatThrownBy(() -> other.awaitTermination(60_000))
          .isInstanceOf(StreamingQueryException.class)
          .hasStackTraceContaining(first + "-0")
          .hasStackTraceContaining("failOnDataLoss");
      assertThat(eventIds(collector)).doesNotContainAnyElementsOf(
          java.util.stream.LongStream.range(100, 110).boxed().toList());
    }
  }

  private static List<Long> eventIds(KafkaTopics.Collector collector) {
    return collector.values().stream()
        .map(v -> v.replaceAll(".*\"event_id\":(\\d+).*", "$1"))
        .map(Long::parseLong)
        .toList();
  }

  private static KafkaProducer<String, String> rawProducer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }
}
