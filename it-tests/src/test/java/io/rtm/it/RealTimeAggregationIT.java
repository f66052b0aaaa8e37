package io.rtm.it;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.window;
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
import java.util.function.BiFunction;
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

/** Streaming aggregations in real-time mode against stock micro-batch on the same input. */
class RealTimeAggregationIT {
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

  /** Keyed aggregation over declarative, imperative and typed-imperative functions. */
  private static Dataset<Row> perAccount(Dataset<Row> events) {
    return events.groupBy(col("account_id"))
        .agg(count("*").as("n"), sum("amount").as("total"), avg("amount").as("mean"),
            max("amount").as("top"), collect_set("merchant").as("merchants"))
        .select(col("account_id").as("key"),
            to_json(struct(col("n"), col("total"), col("mean"), col("top"),
                org.apache.spark.sql.functions.array_sort(col("merchants")).as("merchants"))).as("value"));
  }

  /** The seed's fraud query: count per account per 1-second event-time window, after a filter. */
  private static Dataset<Row> fraud(Dataset<Row> events) {
    return events.filter(col("amount").gt(10.0))
        .groupBy(window(col("ts"), "1 second"), col("account_id"))
        .count()
        .select(concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("count"))).as("value"));
  }

  private StreamingQuery start(BiFunction<SparkSession, String, Dataset<Row>> query, String in, String out,
      Path checkpoint, Trigger trigger) {
    StreamingQuery q;
    try {
      q = Queries.toKafka(query.apply(spark, in), broker.bootstrapServers(), out, checkpoint.toString())
          .outputMode("update")
          .trigger(trigger)
          .start();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
    queries.add(q);
    return q;
  }

  /** The last value written per key: the current result of every group in update mode. */
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

  private Map<String, String> microBatchResult(BiFunction<SparkSession, String, Dataset<Row>> query, String in) {
    String out = topic("mb", 1);
    microBatchResult(query, in, out);
    return lastPerKey(out);
  }

  private void microBatchResult(BiFunction<SparkSession, String, Dataset<Row>> query, String in, String out) {
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      StreamingQuery mb = start(query, in, out, Sessions.workDir("cp-mb"), Trigger.AvailableNow());
      mb.awaitTermination();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
  }

  @Test
  void keyedAggregationEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> perAccount(Queries.events(s, broker.bootstrapServers(), t));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      producer.sendRange(in, 0, 1500);
      start(q, in, out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      // Update mode: one output row per input row.
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= 1500);
      Map<String, String> expected = microBatchResult(q, in);
      assertThat(expected).hasSize(37);
      assertThat(lastPerKey(out)).isEqualTo(expected);
    }
  }

  @Test
  void theSeedFraudQueryEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> fraud(Queries.events(s, broker.bootstrapServers(), t));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 1200);
      long kept = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      start(q, in, out, Sessions.workDir("cp"), Trigger.Continuous("100 milliseconds"));
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= kept);
      assertThat(lastPerKey(out)).isEqualTo(microBatchResult(q, in));
    }
  }

  @Test
  void anAggregateUpdateLeavesLongBeforeItsEpochEnds() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      start((s, t) -> perAccount(Queries.events(s, broker.bootstrapServers(), t)), in, out, checkpoint,
          Trigger.Continuous("60 seconds"));
      producer.send(in, 1, "acct-1", 99.0, "warm");
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() == 1);
      // Trigger times are aligned to the wall clock, so an epoch boundary may fall anywhere in the
      // test: a probe counts only when no epoch committed between its send and its result.
      int clean = 0;
      int expectedCount = 1;
      for (int i = 0; clean < 3 && i < 6; i++) {
        int committedBefore = RealTimeModeITSupport.committedEpochs(checkpoint);
        KafkaTopics.Sent sent = producer.send(in, 100 + i, "acct-1", 20.0, "probe");
        expectedCount++;
        int before = i + 1;
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5))
            .until(() -> collector.received().size() > before);
        assertThat(collector.received().get(before).arrivedAtMs() - sent.sentAtMs()).isLessThan(1000);
        assertThat(collector.received().get(before).value()).contains("\"n\":" + expectedCount);
        if (RealTimeModeITSupport.committedEpochs(checkpoint) == committedBefore) {
          clean++;
        }
      }
      assertThat(clean).as("probes answered inside one 60 s epoch").isEqualTo(3);
    }
  }

  @Test
  void aRestartInTheMiddleRestoresTheStateOfTheLastCommittedEpoch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> perAccount(Queries.events(s, broker.bootstrapServers(), t));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery first = start(q, in, out, checkpoint, Trigger.Continuous("200 milliseconds"));
      producer.sendRange(in, 0, 600);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 600);
      await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 3);
      producer.sendRange(in, 600, 200);
      first.stop();
      producer.sendRange(in, 800, 400);
      start(q, in, out, checkpoint, Trigger.Continuous("200 milliseconds"));
      // Every input leaves at least one update; replayed ones are re-aggregated on restored state.
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= 1200);
      Map<String, String> expected = microBatchResult(q, in);
      await().atMost(Duration.ofSeconds(30)).until(() -> lastPerKey(out).equals(expected));
    }
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(java.util.stream.Collectors.groupingBy(v -> v, java.util.stream.Collectors.counting()));
  }

  private List<String> microBatchValues(BiFunction<SparkSession, String, Dataset<Row>> query, String in, long expected) {
    String out = topic("mb", 1);
    try (KafkaTopics.Collector mb = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      microBatchResult(query, in, out);
      await().atMost(Duration.ofSeconds(30)).until(() -> mb.values().size() >= expected);
      return mb.values();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void dropDuplicatesEmitsTheFirstRowOfEachKeyLikeMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> Queries.events(s, broker.bootstrapServers(), t)
        .dropDuplicates("event_id")
        .select(col("account_id").as("key"), to_json(struct(col("event_id"), col("merchant"))).as("value"));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      producer.sendRange(in, 0, 400);
      producer.sendRange(in, 200, 400); // ids 200..399 again, and 400..599 new
      start(q, in, out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= 600);
      List<String> expected = microBatchValues(q, in, 600);
      assertThat(expected).hasSize(600);
      assertThat(multiset(collector.values())).isEqualTo(multiset(expected));
    }
  }

  @Test
  void streamStaticBroadcastJoinEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path dim = Sessions.workDir("dim").resolve("accounts.parquet");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 37; i += 2) {
      rows.add(org.apache.spark.sql.RowFactory.create("acct-" + i, "region-" + (i % 5)));
    }
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
            .add("account_id", "string").add("region", "string"))
        .write().parquet(dim.toString());
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> Queries.events(s, broker.bootstrapServers(), t)
        .join(org.apache.spark.sql.functions.broadcast(s.read().parquet(dim.toString())), "account_id")
        .select(col("account_id").as("key"), to_json(struct(col("event_id"), col("region"))).as("value"));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 740);
      long expectedCount = sent.stream().filter(x -> (x.eventId() % 37) % 2 == 0).count();
      start(q, in, out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= expectedCount);
      List<String> expected = microBatchValues(q, in, expectedCount);
      assertThat(multiset(collector.values())).isEqualTo(multiset(expected)).hasSize((int) expectedCount);
    }
  }

  /**
   * A static side too large to broadcast (broadcasting turned off): Spark plans a sort merge join,
   * which real-time mode runs as a shuffled hash join probed by each streamed row. Left outer, so
   * both matched and unmatched streamed rows are checked against micro-batch.
   */
  @Test
  void shuffledStreamStaticLeftOuterJoinEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path dim = Sessions.workDir("dim").resolve("accounts.parquet");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 37; i += 3) {
      rows.add(org.apache.spark.sql.RowFactory.create("acct-" + i, "region-" + (i % 5)));
    }
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
            .add("account_id", "string").add("region", "string"))
        .write().parquet(dim.toString());
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> Queries.events(s, broker.bootstrapServers(), t)
        .join(s.read().parquet(dim.toString()), scala.jdk.javaapi.CollectionConverters.asScala(List.of("account_id")).toSeq(), "left_outer")
        .select(col("account_id").as("key"), to_json(struct(col("event_id"), col("region"))).as("value"));
    String threshold = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    spark.conf().set("spark.sql.shuffle.partitions", "2");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      producer.sendRange(in, 0, 740);
      start(q, in, out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= 740);
      List<String> expected = microBatchValues(q, in, 740);
      assertThat(expected).anyMatch(v -> !v.contains("region")).anyMatch(v -> v.contains("region"));
      assertThat(multiset(collector.values())).isEqualTo(multiset(expected)).hasSize(740);
    } finally {
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", threshold);
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
    }
  }

  private static final java.time.Instant BASE = java.time.Instant.parse("2026-01-01T00:00:00Z");

  /** Event i happens at BASE + 50 ms * i on account i % 5: every 1-second window holds 4 per account. */
  private static void sendTimed(KafkaTopics.Producer producer, String in, long from, long to) {
    for (long i = from; i < to; i++) {
      producer.sendAt(in, i, "acct-" + (i % 5), 50.0, BASE.plusMillis(50 * i).toString());
    }
  }

  private static Dataset<Row> windowedAppend(SparkSession s, String in) {
    return fraud(Queries.events(s, broker.bootstrapServers(), in).withWatermark("ts", "2 seconds"));
  }

  private StreamingQuery startAppend(BiFunction<SparkSession, String, Dataset<Row>> query, String in, String out,
      Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = Queries.toKafka(query.apply(spark, in), broker.bootstrapServers(), out, checkpoint.toString())
        .outputMode("append")
        .trigger(trigger)
        .start();
    queries.add(q);
    return q;
  }

  @Test
  void appendModeWindowsLeaveOnceWhenTheWatermarkPassesThemNotAtEpochEnds() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      // Spark aligns processing-time triggers to multiples of the interval on the wall clock, so a
      // 60 s epoch may end at any moment; with an hour the run never meets a boundary by chance.
      startAppend(RealTimeAggregationIT::windowedAppend, in, out, checkpoint, Trigger.Continuous("1 hour"));
      // The first trigger ends the empty epoch 0 at once; the windows must leave inside epoch 1.
      await().atMost(Duration.ofSeconds(60)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 1);
      int committedBefore = RealTimeModeITSupport.committedEpochs(checkpoint);
      sendTimed(producer, in, 0, 400);
      // Max event time 19.95 s, delay 2 s: windows ending at or before 17.95 s are final, 17 per account.
      await().atMost(Duration.ofSeconds(30)).until(() -> collector.values().size() >= 85);
      assertThat(RealTimeModeITSupport.committedEpochs(checkpoint))
          .as("windows left inside the epoch that read their records").isEqualTo(committedBefore);

      // A late event for a closed window is dropped; later events close further windows.
      producer.sendAt(in, 10_000, "acct-0", 50.0, BASE.plusMillis(500).toString());
      sendTimed(producer, in, 400, 440); // up to 21.95 s: closes the windows [17 s, 18 s) and [18 s, 19 s)
      await().atMost(Duration.ofSeconds(30)).until(() -> collector.values().size() >= 95);

      java.util.Set<String> windows = new java.util.HashSet<>();
      for (int w = 0; w < 19; w++) {
        for (int a = 0; a < 5; a++) {
          windows.add(String.format(java.util.Locale.ROOT, "acct-%d|2026-01-01 00:00:%02d", a, w));
        }
      }
      Map<String, String> last = lastPerKey(out);
      assertThat(collector.values()).hasSize(95); // each window exactly once, the late event nowhere
      assertThat(last.keySet()).isEqualTo(windows);
      assertThat(last.values()).allSatisfy(v -> assertThat(v).endsWith("\"count\":4}"));
    }
  }

  @Test
  void appendModeWindowsEqualMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      sendTimed(producer, in, 0, 400);
      startAppend(RealTimeAggregationIT::windowedAppend, in, out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 85);
      Map<String, String> microBatch = microBatchAppend(RealTimeAggregationIT::windowedAppend, in);
      assertThat(microBatch).isNotEmpty();
      Map<String, String> realTime = lastPerKey(out);
      // Every window stock Spark closed, real-time mode closed with the same count.
      microBatch.forEach((k, v) -> assertThat(realTime).containsEntry(k, v));
      assertThat(realTime).hasSize(85);
    }
  }

  /** Event i at BASE + i ms on account i % 500: every 500 ms window holds each of the 500 accounts once. */
  private static Dataset<Row> manyKeyWindows(SparkSession s, String in) {
    return Queries.events(s, broker.bootstrapServers(), in).withWatermark("ts", "1 second")
        .groupBy(window(col("ts"), "500 milliseconds"), col("account_id"))
        .agg(count("*").as("n"), sum("amount").as("total"))
        .select(concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("n"), col("total"))).as("value"));
  }

  /**
   * State far larger than the heap index of its operator, on RocksDB: the index may hold 64 keys
   * per task while the state holds thousands, so the keys beyond it are only in RocksDB and windows
   * leave through the index's fall-back scans. The windows the watermark closed leave once each,
   * equal to stock micro-batch on the same input, and the progress counts the state rows written
   * and evicted.
   */
  @Test
  void windowsOverMoreKeysThanTheHeapIndexHoldsEqualMicroBatchOnRocksDB() throws Exception {
    String provider = "spark.sql.streaming.stateStore.providerClass";
    spark.conf().set(provider, "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    spark.conf().set("spark.rtm.state.eventTimeIndexEntries", "64");
    StateProgressListener progress = new StateProgressListener();
    spark.streams().addListener(progress);
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      for (long i = 0; i < 3000; i++) {
        producer.sendAtNoWait(in, i, "acct-" + (i % 500), 1.0 + (i % 7), BASE.plusMillis(i).toString());
      }
      producer.flush();
      StreamingQuery q = startAppend(RealTimeAggregationIT::manyKeyWindows, in, out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      progress.queryId = q.id();
      // Max event time 2.999 s, delay 1 s: the windows ending at 0.5, 1 and 1.5 s are final.
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 1500);
      await().atMost(Duration.ofSeconds(30)).until(() -> progress.sum(p -> p.numRowsRemoved()) >= 1500);
      String mbOut = topic("mb", 1);
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      try {
        startAppend(RealTimeAggregationIT::manyKeyWindows, in, mbOut, Sessions.workDir("cp-mb"), Trigger.AvailableNow())
            .awaitTermination();
      } finally {
        spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      }
      Map<String, String> microBatch = lastPerKey(mbOut);
      assertThat(microBatch).hasSize(1500);
      assertThat(collector.values()).hasSize(1500); // each window once
      assertThat(lastPerKey(out)).isEqualTo(microBatch);
      // Thousands of groups were in the state at once, against 2 x 64 index entries on the heap.
      assertThat(progress.max(p -> p.numRowsTotal())).isGreaterThan(1000);
      assertThat(progress.sum(p -> p.numRowsUpdated())).isEqualTo(3000); // one state write per record
      assertThat(progress.sum(p -> p.numRowsRemoved())).isEqualTo(1500); // the closed windows
    } finally {
      spark.streams().removeListener(progress);
      spark.conf().unset(provider);
      spark.conf().unset("spark.rtm.state.eventTimeIndexEntries");
    }
  }

  @Test
  void completeOutputModeIsRefusedAtStart() {
    String in = topic("in", 1);
    assertThatThrownBy(() -> Queries.toKafka(perAccount(Queries.events(spark, broker.bootstrapServers(), in)),
            broker.bootstrapServers(), topic("out", 1), Sessions.workDir("cp").toString())
        .outputMode("complete")
        .trigger(Trigger.Continuous("1 second"))
        .start())
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_UNSUPPORTED_OUTPUT_MODE"))
        .hasMessageContaining("Aggregate");
  }

  // ---- Chains of stateful operators that Spark 4.2.0's micro-batch engine accepts (issue 4, item 5) ----

  /** Runs the append-mode query under stock micro-batch (AvailableNow) and returns the last value per key. */
  private Map<String, String> microBatchAppend(BiFunction<SparkSession, String, Dataset<Row>> query, String in)
      throws Exception {
    String mbOut = topic("mb", 1);
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      startAppend(query, in, mbOut, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
    return lastPerKey(mbOut);
  }

  /** dropDuplicates over a watermarked stream (keys with the event time) into the seed's windowed count. */
  private static Dataset<Row> deduplicatedWindows(SparkSession s, String in) {
    return fraud(Queries.events(s, broker.bootstrapServers(), in).withWatermark("ts", "2 seconds")
        .dropDuplicates("event_id", "ts"));
  }

  /**
   * Deduplication with a watermark followed by a windowed aggregation, append mode. Every third
   * event is sent twice in a row; the windows count each event once, and every window the
   * watermark closed leaves once, equal to stock micro-batch.
   */
  @Test
  void deduplicationIntoAWindowedAggregationEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      for (long i = 0; i < 400; i++) {
        sendTimed(producer, in, i, i + 1);
        if (i % 3 == 0) {
          sendTimed(producer, in, i, i + 1);
        }
      }
      startAppend(RealTimeAggregationIT::deduplicatedWindows, in, out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      // Max event time 19.95 s, delay 2 s: 17 closed windows per account.
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 85);
      Map<String, String> microBatch = microBatchAppend(RealTimeAggregationIT::deduplicatedWindows, in);
      assertThat(microBatch).hasSize(85);
      assertThat(microBatch.values()).allSatisfy(v -> assertThat(v).endsWith("\"count\":4}"));
      assertThat(lastPerKey(out)).isEqualTo(microBatch);
      assertThat(collector.values()).hasSize(85); // each window once
    }
  }

  /**
   * Spark 3.4+ chains time-window aggregations in append mode: 1-second counts per account, then
   * 5-second totals over the 1-second windows' {@code window_time}.
   */
  private static Dataset<Row> windowsOfWindows(SparkSession s, String in) {
    return Queries.events(s, broker.bootstrapServers(), in).withWatermark("ts", "2 seconds")
        .groupBy(window(col("ts"), "1 second"), col("account_id")).agg(count("*").as("n"))
        .groupBy(window(org.apache.spark.sql.functions.window_time(col("window")), "5 seconds"))
        .agg(sum("n").as("events"), count("*").as("windows"))
        .select(col("window.start").cast("string").as("key"),
            to_json(struct(col("events"), col("windows"))).as("value"));
  }

  @Test
  void aWindowedAggregationIntoAnotherWindowedAggregationEqualsMicroBatch() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      sendTimed(producer, in, 0, 400);
      startAppend(RealTimeAggregationIT::windowsOfWindows, in, out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      // Watermark 17.95 s: the 5-second windows [0, 5), [5, 10) and [10, 15) are final.
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 3);
      Map<String, String> microBatch = microBatchAppend(RealTimeAggregationIT::windowsOfWindows, in);
      assertThat(microBatch).hasSize(3);
      assertThat(microBatch.values()).allSatisfy(v -> assertThat(v).isEqualTo("{\"events\":100,\"windows\":25}"));
      assertThat(lastPerKey(out)).isEqualTo(microBatch);
      assertThat(collector.values()).hasSize(3);
    }
  }

  /** Events joined with their account's region from a static Parquet table, then counted per region. */
  private static BiFunction<SparkSession, String, Dataset<Row>> regionTotals(Path dim) {
    return (s, t) -> Queries.events(s, broker.bootstrapServers(), t)
        .join(s.read().parquet(dim.toString()), "account_id")
        .groupBy(col("region"))
        // A decimal sum: a double sum depends on the order rows arrive in, which differs between engines.
        .agg(count("*").as("n"), sum(col("amount").cast("decimal(12,1)")).as("total"))
        .select(col("region").as("key"), to_json(struct(col("n"), col("total"))).as("value"));
  }

  private void streamStaticJoinIntoAKeyedAggregationEqualsMicroBatch(boolean broadcast) throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path dim = Sessions.workDir("dim").resolve("accounts.parquet");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 37; i += 2) {
      rows.add(org.apache.spark.sql.RowFactory.create("acct-" + i, "region-" + (i % 5)));
    }
    spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
            .add("account_id", "string").add("region", "string"))
        .write().parquet(dim.toString());
    String threshold = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
    if (!broadcast) {
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    }
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 740);
      long joined = sent.stream().filter(x -> (x.eventId() % 37) % 2 == 0).count();
      start(regionTotals(dim), in, out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      // Update mode: one update per joined event.
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= joined);
      Map<String, String> expected = microBatchResult(regionTotals(dim), in);
      assertThat(expected).hasSize(5);
      assertThat(lastPerKey(out)).isEqualTo(expected);
      assertThat(collector.values()).hasSize((int) joined);
    } finally {
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", threshold);
    }
  }

  /** A broadcast stream-static join followed by a keyed aggregation, update mode. */
  @Test
  void aBroadcastStreamStaticJoinIntoAKeyedAggregationEqualsMicroBatch() throws Exception {
    streamStaticJoinIntoAKeyedAggregationEqualsMicroBatch(true);
  }

  /** The same with broadcasting off: a shuffled hash join into the aggregation's own shuffle. */
  @Test
  void aShuffledStreamStaticJoinIntoAKeyedAggregationEqualsMicroBatch() throws Exception {
    streamStaticJoinIntoAKeyedAggregationEqualsMicroBatch(false);
  }

  /**
   * A deduplication keyed exactly by the windowed aggregation's keys needs no shuffle after it
   * (Spark's stateful distribution is already met), so both would run in one task on one watermark
   * and the deduplication would drop every closed window as late: the run fails with an error class
   * naming both operators instead of writing nothing. (Chains with other keys, like the 5-second
   * windows over 1-second windows above, get a shuffle and run.)
   */
  @Test
  void aDeduplicationInTheStageOfTheWindowsItReadsFailsNamingBothOperators() throws Exception {
    String in = topic("in", 2);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      sendTimed(producer, in, 0, 40);
    }
    BiFunction<SparkSession, String, Dataset<Row>> q = (s, t) -> Queries.events(s, broker.bootstrapServers(), t)
        .withWatermark("ts", "2 seconds")
        .groupBy(window(col("ts"), "1 second"), col("account_id")).count()
        .dropDuplicates("window", "account_id")
        .select(col("account_id").as("key"), to_json(struct(col("window.start"), col("count"))).as("value"));
    StreamingQuery query = startAppend(q, in, topic("out", 1), Sessions.workDir("cp"),
        Trigger.Continuous("200 milliseconds"));
    assertThatThrownBy(() -> query.awaitTermination(60_000))
        .satisfies(e -> assertThat(rtmCondition(e)).isEqualTo("RTM_UNSUPPORTED_OPERATOR"))
        .hasMessageContaining("in one stage");
  }

  /** The engine's error condition in an exception's cause chain. */
  private static String rtmCondition(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st && st.getCondition() != null && st.getCondition().startsWith("RTM_")) {
        return st.getCondition();
      }
    }
    return e.toString();
  }
}
