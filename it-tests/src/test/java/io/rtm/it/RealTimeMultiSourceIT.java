package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queries that read two {@code readStream} sources (two topics, two Kafka sources), which Spark
 * 4.2.0's continuous engine cannot run: real-time mode against stock micro-batch on the same input.
 */
class RealTimeMultiSourceIT {
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() {
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
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (Exception ignored) {
        // already failed as the test expected
      }
    }
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String topic(String name, int partitions) {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  private static Dataset<Row> events(String topic) {
    return Queries.events(spark, broker.bootstrapServers(), topic);
  }

  /** Both topics' events, each tagged with where it came from. */
  private static Dataset<Row> union(String a, String b) {
    return events(a).withColumn("origin", lit("a")).union(events(b).withColumn("origin", lit("b")));
  }

  private static Dataset<Row> unionRows(String a, String b) {
    return union(a, b).filter(col("amount").gt(10.0))
        .select(col("account_id").as("key"), to_json(struct(col("origin"), col("event_id"))).as("value"));
  }

  private static Dataset<Row> unionPerAccount(String a, String b) {
    return union(a, b).groupBy(col("account_id"))
        .agg(count("*").as("n"), sum("event_id").as("ids"))
        .select(col("account_id").as("key"), to_json(struct(col("n"), col("ids"))).as("value"));
  }

  private StreamingQuery start(Dataset<Row> query, String out, Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = Queries.toKafka(query, broker.bootstrapServers(), out, checkpoint.toString())
        .outputMode("update")
        .trigger(trigger)
        .start();
    queries.add(q);
    return q;
  }

  /** Stock micro-batch's output of the same query over the same topics (switch off, available-now). */
  private List<String> microBatch(Function<Void, Dataset<Row>> query, long expected) throws Exception {
    String out = topic("mb", 1);
    try (KafkaTopics.Collector mb = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      try {
        start(query.apply(null), out, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
      } finally {
        spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> mb.values().size() >= expected);
      return mb.values();
    }
  }

  private void microBatchInto(Dataset<Row> query, String out) throws Exception {
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      start(query, out, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  private static Map<String, String> lastPerKey(String topic) {
    java.util.Properties p = new java.util.Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "last-" + topic + "-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, String> last = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      int idle = 0;
      while (idle < 5) {
        var records = c.poll(Duration.ofMillis(200));
        idle = records.isEmpty() ? idle + 1 : 0;
        for (ConsumerRecord<String, String> r : records) {
          last.put(r.key(), r.value());
        }
      }
    }
    return last;
  }

  @Test
  void aUnionOfTwoSourcesEmitsEveryRowOfBothLikeMicroBatch() throws Exception {
    String a = topic("a", 2);
    String b = topic("b", 1);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      long kept = producer.sendRange(a, 0, 300).stream().filter(s -> Queries.kept(s.eventId())).count()
          + producer.sendRange(b, 1000, 200).stream().filter(s -> Queries.kept(s.eventId())).count();
      start(unionRows(a, b), out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= kept);
      List<String> expected = microBatch(x -> unionRows(a, b), kept);
      assertThat(expected).anyMatch(v -> v.contains("\"origin\":\"b\"")).anyMatch(v -> v.contains("\"origin\":\"a\""));
      assertThat(multiset(collector.values())).isEqualTo(multiset(expected)).hasSize((int) kept);
    }
  }

  /**
   * A union feeding a keyed aggregation (both sources' tasks write one shuffle, whose reducers align
   * barriers over all of them), stopped in the middle and restarted: both sources resume from the
   * last committed epoch and the state after it, so the final counts equal micro-batch's.
   */
  @Test
  void aUnionIntoAnAggregationRestartsBothSourcesFromTheLastCommittedEpoch() throws Exception {
    String a = topic("a", 2);
    String b = topic("b", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery first = start(unionPerAccount(a, b), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      producer.sendRange(a, 0, 300);
      producer.sendRange(b, 1000, 300);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 600);
      await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 3);
      producer.sendRange(a, 300, 100);
      first.stop();
      producer.sendRange(b, 1300, 100);
      start(unionPerAccount(a, b), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 800);
      String mbOut = topic("mb", 1);
      microBatchInto(unionPerAccount(a, b), mbOut);
      Map<String, String> expected = lastPerKey(mbOut);
      assertThat(expected).hasSize(37);
      await().atMost(Duration.ofSeconds(30)).until(() -> lastPerKey(out).equals(expected));
    }
  }

  private void assertRefused(Dataset<Row> query, String operator, String reason) {
    assertThatThrownBy(() -> start(query, topic("out", 1), Sessions.workDir("cp"), Trigger.Continuous("1 second")))
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_UNSUPPORTED_OPERATOR"))
        .hasMessageContaining(operator)
        .hasMessageContaining(reason);
  }

  @Test
  void aFullOuterStreamStreamJoinIsRefusedAtStart() {
    Dataset<Row> left = events(topic("a", 1)).withWatermark("ts", "10 seconds");
    Dataset<Row> right = events(topic("b", 1)).withWatermark("ts", "10 seconds")
        .select(col("account_id").as("r_account"), col("ts").as("r_ts"));
    Dataset<Row> joined = left.join(right, col("account_id").equalTo(col("r_account"))
            .and(col("r_ts").between(col("ts"), col("ts").plus(org.apache.spark.sql.functions.expr("interval 5 seconds")))),
            "full_outer")
        .select(col("account_id").as("key"), col("event_id").cast("string").as("value"));
    assertRefused(joined, "Join", "only inner, left outer and right outer");
  }

  @Test
  void theSameStreamingDataFrameTwiceIsRefusedAtStart() {
    Dataset<Row> once = events(topic("a", 1)).select(col("account_id").as("key"), col("event_id").cast("string").as("value"));
    assertRefused(once.union(once), "kafka", "read the source with a second readStream call");
  }

  private static final java.time.Instant BASE = java.time.Instant.parse("2026-01-01T00:00:00Z");

  private static Dataset<Row> windowedUnion(String a, String b) {
    return events(a).withWatermark("ts", "2 seconds").union(events(b).withWatermark("ts", "2 seconds"))
        .groupBy(org.apache.spark.sql.functions.window(col("ts"), "1 second"), col("account_id"))
        .count()
        .select(org.apache.spark.sql.functions.concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("count"))).as("value"));
  }

  /**
   * Each stream has its own watermark; the aggregation's is the minimum of both, as Spark's default
   * policy: stream b runs 1.5 s ahead, and the windows it alone would close stay open.
   */
  @Test
  void aUnionOfWatermarkedStreamsClosesWindowsByTheSlowerStreamLikeMicroBatch() throws Exception {
    String a = topic("a", 1);
    String b = topic("b", 1);
    String out = topic("out", 1);
    String idle = spark.conf().get("spark.rtm.watermark.idleTimeoutMs", "5000");
    // Neither input may count as idle while the test looks: the minimum would then be the other's alone.
    spark.conf().set("spark.rtm.watermark.idleTimeoutMs", "600000");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      for (int i = 0; i < 200; i++) {
        producer.sendAt(a, i, "acct-" + (i % 5), 1.0, BASE.plusMillis(50L * i).toString());
        producer.sendAt(b, 1000 + i, "acct-" + (i % 5), 1.0, BASE.plusMillis(50L * i + 1500).toString());
      }
      queries.add(Queries.toKafka(windowedUnion(a, b), broker.bootstrapServers(), out, Sessions.workDir("cp").toString())
          .outputMode("append").trigger(Trigger.Continuous("200 milliseconds")).start());
      // Watermark min(9.95 s, 11.45 s) - 2 s = 7.95 s: the windows ending at 1 s .. 7 s, 5 accounts each.
      await().atMost(Duration.ofSeconds(40)).until(() -> collector.values().size() >= 35);
      String mbOut = topic("mb", 1);
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      try {
        Queries.toKafka(windowedUnion(a, b), broker.bootstrapServers(), mbOut, Sessions.workDir("cp-mb").toString())
            .outputMode("append").trigger(Trigger.AvailableNow()).start().awaitTermination();
      } finally {
        spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      }
      Map<String, String> microBatch = lastPerKey(mbOut);
      Map<String, String> realTime = lastPerKey(out);
      assertThat(realTime).hasSize(35);
      assertThat(microBatch).isNotEmpty();
      microBatch.forEach((k, v) -> assertThat(realTime).containsEntry(k, v));
      assertThat(realTime.values()).anyMatch(v -> v.endsWith("\"count\":8}")).anyMatch(v -> v.endsWith("\"count\":4}"));
    } finally {
      spark.conf().set("spark.rtm.watermark.idleTimeoutMs", idle);
    }
  }
}
