package io.rtm.it;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
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
 * Stream-stream joins with watermarks on both sides and a time-range condition, in real-time mode
 * against stock micro-batch on the same two topics (and both against a batch join of the same rows,
 * which fixes how many rows to wait for).
 */
class RealTimeStreamJoinIT {
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
  private static final long SENTINEL_LEFT = 9_999;
  private static final long SENTINEL_RIGHT = 19_999;
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
        // already stopped
      }
    }
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String topic(String name, int partitions) {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  /** One side, columns prefixed, watermarked on its own event time. */
  private static Dataset<Row> side(Dataset<Row> events, String p) {
    return events.select(col("event_id").as(p + "_id"), col("account_id").as(p + "_acct"), col("ts").as(p + "_ts"))
        .withWatermark(p + "_ts", "2 seconds");
  }

  /** The join condition of every join here: a click of the impression's account up to one second after it. */
  private static Column clickWithinASecondOfItsImpression() {
    return col("l_acct").equalTo(col("r_acct"))
        .and(col("r_ts").geq(col("l_ts")))
        .and(col("r_ts").leq(col("l_ts").plus(expr("interval 1 second"))));
  }

  private static Dataset<Row> batchEvents(String topic) {
    return spark.read().format("kafka")
        .option("kafka.bootstrap.servers", broker.bootstrapServers())
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load()
        .select(from_json(col("value").cast("string"), Queries.EVENT).as("e"))
        .select("e.*");
  }

  /** A click (right) counts for an impression (left) of its account up to one second after it. */
  private static Dataset<Row> join(Dataset<Row> left, Dataset<Row> right, String type) {
    Column on = clickWithinASecondOfItsImpression();
    return side(left, "l").join(side(right, "r"), on, type)
        .select(concat_ws("|", coalesce(col("l_id").cast("string"), lit("-")),
                coalesce(col("r_id").cast("string"), lit("-"))).as("key"),
            to_json(struct(col("l_id"), col("r_id"), col("l_ts"), col("r_ts"))).as("value"));
  }

  /**
   * Impressions every 100 ms over accounts 0-3, clicks every 100 ms (250 ms later) over 1-5: some of
   * each side match, some never do. Then one far-future event per side that matches nothing: it
   * moves both watermarks past every earlier row, so the outer rows of all of them are due.
   */
  private static void sendBothSides(String left, String right) {
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      for (int i = 0; i < 120; i++) {
        producer.sendAt(left, i, "acct-" + (i % 4), 1.0, BASE.plusMillis(100L * i).toString());
        producer.sendAt(right, 1000 + i, "acct-" + (1 + i % 5), 1.0, BASE.plusMillis(100L * i + 250).toString());
      }
      producer.sendAt(left, SENTINEL_LEFT, "nobody-l", 1.0, BASE.plusSeconds(3600).toString());
      producer.sendAt(right, SENTINEL_RIGHT, "nobody-r", 1.0, BASE.plusSeconds(3600).toString());
    }
  }

  /** The rows a join of everything but the sentinels yields: what both engines must emit. */
  private static long expectedRows(String left, String right, String type) {
    Column noSentinels = col("event_id").notEqual(SENTINEL_LEFT).and(col("event_id").notEqual(SENTINEL_RIGHT));
    return join(batchEvents(left).filter(noSentinels), batchEvents(right).filter(noSentinels), type).count();
  }

  private StreamingQuery start(Dataset<Row> query, String out, Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = Queries.toKafka(query, broker.bootstrapServers(), out, checkpoint.toString())
        .outputMode("append")
        .trigger(trigger)
        .start();
    queries.add(q);
    return q;
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  private void joinEqualsMicroBatch(String type) throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    sendBothSides(left, right);
    long expected = expectedRows(left, right, type);
    BiFunction<String, String, Dataset<Row>> query = (l, r) -> join(Queries.events(spark, broker.bootstrapServers(), l),
        Queries.events(spark, broker.bootstrapServers(), r), type);
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    StateProgressListener progress = new StateProgressListener();
    spark.streams().addListener(progress);
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      progress.queryId = start(query.apply(left, right), out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds")).id();
      await().atMost(Duration.ofSeconds(40)).until(() -> realTime.values().size() >= expected);
      // The sentinels' watermark evicts all 240 other rows; the epoch that did it reports them.
      await().atMost(Duration.ofSeconds(30)).until(() -> progress.sum(p -> p.numRowsRemoved()) >= 240);
      queries.get(0).stop();
      assertThat(progress.names()).containsExactly("symmetricHashJoin");
      assertThat(progress.sum(p -> p.numRowsRemoved())).isEqualTo(240);
      assertThat(progress.sum(p -> p.numRowsUpdated())).as("every row stored, outer rows marked when matched")
          .isGreaterThanOrEqualTo(242);
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      // Processing-time batches: the batch after the data one evicts by the risen watermark.
      start(query.apply(left, right), mbOut, Sessions.workDir("cp-mb"), Trigger.ProcessingTime("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> microBatch.values().size() >= expected);
      queries.get(1).stop();
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values())).hasSize((int) expected);
      assertThat(realTime.values()).as("matched pairs").anyMatch(v -> v.contains("l_id") && v.contains("r_id"));
      if (!type.equals("inner")) {
        String missing = type.equals("left_outer") ? "r_id" : "l_id";
        assertThat(realTime.values()).as("unmatched rows of the outer side").anyMatch(v -> !v.contains(missing));
      }
    } finally {
      spark.streams().removeListener(progress);
    }
  }

  @Test
  void innerJoinEqualsMicroBatch() throws Exception {
    joinEqualsMicroBatch("inner");
  }

  @Test
  void leftOuterJoinEmitsUnmatchedRowsOnceTheWatermarkPassesThemLikeMicroBatch() throws Exception {
    joinEqualsMicroBatch("left_outer");
  }

  @Test
  void rightOuterJoinEqualsMicroBatch() throws Exception {
    joinEqualsMicroBatch("right_outer");
  }

  private static void sendRange(String left, String right, int from, int to) {
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      for (int i = from; i < to; i++) {
        producer.sendAt(left, i, "acct-" + (i % 4), 1.0, BASE.plusMillis(100L * i).toString());
        producer.sendAt(right, 1000 + i, "acct-" + (1 + i % 5), 1.0, BASE.plusMillis(100L * i + 250).toString());
      }
    }
  }

  /**
   * Stopped after a few epochs and restarted from its checkpoint: rows stored before the stop still
   * join with rows that arrive after the restart (the state of the last committed epoch is back), so
   * the set of joined rows equals micro-batch's. Rows of the epoch that never committed are read and
   * joined again (at-least-once), hence a set, not a multiset.
   */
  @Test
  void aRestartedJoinKeepsTheStateOfTheLastCommittedEpoch() throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    Path checkpoint = Sessions.workDir("cp");
    BiFunction<String, String, Dataset<Row>> query = (l, r) -> join(Queries.events(spark, broker.bootstrapServers(), l),
        Queries.events(spark, broker.bootstrapServers(), r), "inner");
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      sendRange(left, right, 0, 60);
      long firstHalf = expectedRows(left, right, "inner");
      StreamingQuery first = start(query.apply(left, right), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(30)).until(() -> realTime.values().size() >= firstHalf);
      await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 3);
      first.stop();
      sendRange(left, right, 60, 120);
      long expected = expectedRows(left, right, "inner");
      start(query.apply(left, right), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(30)).until(() -> new java.util.HashSet<>(realTime.values()).size() >= expected);
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      start(query.apply(left, right), mbOut, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
      await().atMost(Duration.ofSeconds(30)).until(() -> microBatch.values().size() >= expected);
      assertThat(new java.util.HashSet<>(realTime.values())).isEqualTo(new java.util.HashSet<>(microBatch.values()))
          .hasSize((int) expected);
    }
  }

  /** Matched clicks per account and 1-second impression window, closed by the watermark. */
  private static Dataset<Row> clicksPerWindow(Dataset<Row> left, Dataset<Row> right) {
    Column on = clickWithinASecondOfItsImpression();
    return side(left, "l").join(side(right, "r"), on, "inner")
        .groupBy(org.apache.spark.sql.functions.window(col("l_ts"), "1 second"), col("l_acct"))
        .count()
        .select(concat_ws("|", col("l_acct"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("count"))).as("value"));
  }

  /** A join followed by a windowed aggregation (append mode), as Spark's micro-batch engine allows it. */
  @Test
  void aJoinIntoAWindowedAggregationEqualsMicroBatch() throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    sendBothSides(left, right);
    BiFunction<String, String, Dataset<Row>> query = (l, r) -> clicksPerWindow(
        Queries.events(spark, broker.bootstrapServers(), l), Queries.events(spark, broker.bootstrapServers(), r));
    Column noSentinels = col("event_id").notEqual(SENTINEL_LEFT).and(col("event_id").notEqual(SENTINEL_RIGHT));
    long expected = clicksPerWindow(batchEvents(left).filter(noSentinels), batchEvents(right).filter(noSentinels)).count();
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      start(query.apply(left, right), out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> realTime.values().size() >= expected);
      queries.get(0).stop();
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      start(query.apply(left, right), mbOut, Sessions.workDir("cp-mb"), Trigger.ProcessingTime("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> microBatch.values().size() >= expected);
      queries.get(1).stop();
      assertThat(realTime.values()).hasSize((int) expected); // windows repeat counts: size the rows, not the multiset
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values()));
    }
  }

  /** A match leaves as soon as its second row arrives, inside an epoch of an hour. */
  @Test
  void aJoinedRowLeavesWhenItsSecondRowArrivesNotAtTheEpochEnd() throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      start(join(Queries.events(spark, broker.bootstrapServers(), left),
          Queries.events(spark, broker.bootstrapServers(), right), "inner"), out, checkpoint, Trigger.Continuous("1 hour"));
      await().atMost(Duration.ofSeconds(60)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 1);
      int committedBefore = RealTimeModeITSupport.committedEpochs(checkpoint);
      producer.sendAt(left, 1, "acct-1", 1.0, BASE.toString());
      KafkaTopics.Sent click = producer.sendAt(right, 2, "acct-1", 1.0, BASE.plusMillis(500).toString());
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> !collector.received().isEmpty());
      assertThat(collector.received().get(0).arrivedAtMs() - click.sentAtMs()).isLessThan(1000);
      assertThat(collector.values()).containsExactly(
          "{\"l_id\":1,\"r_id\":2,\"l_ts\":\"2026-01-01T00:00:00.000Z\",\"r_ts\":\"2026-01-01T00:00:00.500Z\"}");
      assertThat(RealTimeModeITSupport.committedEpochs(checkpoint)).isEqualTo(committedBefore);
    }
  }

  /**
   * Rows per 1-second window of the preserved side's event time and account after an outer join
   * ({@code left_outer}: impressions, {@code right_outer}: clicks), with how many of them found a row
   * of the other side.
   */
  private static Dataset<Row> preservedRowsPerWindow(Dataset<Row> left, Dataset<Row> right, String type) {
    Column on = clickWithinASecondOfItsImpression();
    String kept = type.equals("left_outer") ? "l" : "r";
    String other = type.equals("left_outer") ? "r" : "l";
    return side(left, "l").join(side(right, "r"), on, type)
        .groupBy(org.apache.spark.sql.functions.window(col(kept + "_ts"), "1 second"), col(kept + "_acct"))
        .agg(org.apache.spark.sql.functions.count("*").as("rows"),
            org.apache.spark.sql.functions.count(col(other + "_id")).as("matched"))
        .select(concat_ws("|", col(kept + "_acct"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("rows"), col("matched"))).as("value"));
  }

  /**
   * A left outer join into a windowed aggregation (append mode), as Spark's micro-batch engine runs
   * it: the aggregation reads the join's output watermark, one second (the condition's slack) below
   * the join's input watermark, so the impressions that never got a click, emitted with nulls once the
   * watermark passed them, still count in their window. The same windows as micro-batch and as a
   * batch join of the same rows, among them windows with unclicked impressions (rows above matched).
   */
  @Test
  void aLeftOuterJoinIntoAWindowedAggregationEqualsMicroBatch() throws Exception {
    outerJoinIntoAWindowedAggregationEqualsMicroBatch("left_outer");
  }

  /** The same for a right outer join: clicks per window of their own event time, unmatched ones too. */
  @Test
  void aRightOuterJoinIntoAWindowedAggregationEqualsMicroBatch() throws Exception {
    outerJoinIntoAWindowedAggregationEqualsMicroBatch("right_outer");
  }

  private void outerJoinIntoAWindowedAggregationEqualsMicroBatch(String type) throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    sendBothSides(left, right);
    BiFunction<String, String, Dataset<Row>> query = (l, r) -> preservedRowsPerWindow(
        Queries.events(spark, broker.bootstrapServers(), l), Queries.events(spark, broker.bootstrapServers(), r), type);
    Column noSentinels = col("event_id").notEqual(SENTINEL_LEFT).and(col("event_id").notEqual(SENTINEL_RIGHT));
    List<String> expected = preservedRowsPerWindow(batchEvents(left).filter(noSentinels),
        batchEvents(right).filter(noSentinels), type)
        .select("value").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      start(query.apply(left, right), out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> realTime.values().size() >= expected.size());
      queries.get(0).stop();
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      start(query.apply(left, right), mbOut, Sessions.workDir("cp-mb"), Trigger.ProcessingTime("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> microBatch.values().size() >= expected.size());
      queries.get(1).stop();
      assertThat(realTime.values()).hasSize(expected.size());
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values())).isEqualTo(multiset(expected));
      assertThat(realTime.values()).as("windows counting unmatched rows of the preserved side")
          .anyMatch(v -> !v.replaceAll(".*\"rows\":(\\d+),\"matched\":(\\d+).*", "$1")
              .equals(v.replaceAll(".*\"rows\":(\\d+),\"matched\":(\\d+).*", "$2")));
    }
  }

  /**
   * Each impression once, after a left outer join: {@code dropDuplicates} on the impression's account
   * and event time (the watermarked column, so keys leave with the watermark) keeps its first joined
   * row, clicked or not. Only the impression's columns are written: which click comes first differs
   * between the engines, that the impression is there does not. An unclicked impression leaves the
   * join once the watermark is a second past it; the deduplication reads the join's output watermark,
   * so it is not late there.
   */
  @Test
  void aLeftOuterJoinIntoADeduplicationEqualsMicroBatch() throws Exception {
    UnaryOperator<Dataset<Row>> dedup = joined -> joined.dropDuplicates("l_acct", "l_ts");
    leftOuterJoinIntoADeduplicationEqualsMicroBatch(dedup, dedup);
  }

  /**
   * The same with {@code dropDuplicatesWithinWatermark} on the impression id: a key is kept until the
   * watermark passes its event time plus the delay. Spark takes the event time from the one
   * watermarked column of its input, so only the impression's columns go in. A batch query has no
   * watermark (Spark refuses the operator there): the expected rows come from {@code dropDuplicates}.
   */
  @Test
  void aLeftOuterJoinIntoADeduplicationWithinTheWatermarkEqualsMicroBatch() throws Exception {
    leftOuterJoinIntoADeduplicationEqualsMicroBatch(
        joined -> joined.select("l_id", "l_acct", "l_ts").dropDuplicatesWithinWatermark("l_id"),
        joined -> joined.select("l_id", "l_acct", "l_ts").dropDuplicates("l_id"));
  }

  /** The impression columns of a left outer join's rows after {@code dedup}, keyed by impression id. */
  private static Dataset<Row> dedupedImpressions(Dataset<Row> left, Dataset<Row> right, UnaryOperator<Dataset<Row>> dedup) {
    return dedup.apply(side(left, "l").join(side(right, "r"), clickWithinASecondOfItsImpression(), "left_outer"))
        .select(col("l_id").cast("string").as("key"), to_json(struct(col("l_id"), col("l_acct"), col("l_ts"))).as("value"));
  }

  private void leftOuterJoinIntoADeduplicationEqualsMicroBatch(UnaryOperator<Dataset<Row>> streamingDedup,
      UnaryOperator<Dataset<Row>> batchDedup) throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    sendBothSides(left, right);
    BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> impressions = (l, r) -> dedupedImpressions(l, r, streamingDedup);
    Column noSentinels = col("event_id").notEqual(SENTINEL_LEFT).and(col("event_id").notEqual(SENTINEL_RIGHT));
    List<String> expected = dedupedImpressions(batchEvents(left).filter(noSentinels),
            batchEvents(right).filter(noSentinels), batchDedup)
        .select("value").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      start(impressions.apply(Queries.events(spark, broker.bootstrapServers(), left),
          Queries.events(spark, broker.bootstrapServers(), right)), out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      // every impression but the left sentinel (never due: nothing is a second past its hour)
      await().atMost(Duration.ofSeconds(40)).until(() -> realTime.values().size() >= expected.size());
      queries.get(0).stop();
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      start(impressions.apply(Queries.events(spark, broker.bootstrapServers(), left),
          Queries.events(spark, broker.bootstrapServers(), right)), mbOut, Sessions.workDir("cp-mb"),
          Trigger.ProcessingTime("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> microBatch.values().size() >= expected.size());
      queries.get(1).stop();
      assertThat(expected).hasSize(120);
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values())).isEqualTo(multiset(expected));
    }
  }

  private static final long SENTINEL_THIRD = 29_999;

  /**
   * Conversions (the third stream) naming the impression they came from in their account column:
   * every third impression converts half a second after it (a match), every third one 1.5 s after it
   * (outside the second join's one second: no match), the rest never. Then a far-future sentinel.
   */
  private static void sendConversions(String third) {
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      for (int i = 0; i < 120; i++) {
        if (i % 3 != 2) {
          long after = i % 3 == 0 ? 500 : 1500;
          producer.sendAt(third, 2000 + i, "imp-" + i, 1.0, BASE.plusMillis(100L * i + after).toString());
        }
      }
      producer.sendAt(third, SENTINEL_THIRD, "nobody-t", 1.0, BASE.plusSeconds(3600).toString());
    }
  }

  /**
   * Impressions joined ({@code type}) with their clicks by account, then each joined row with the
   * conversions of its impression within a second (inner). The second join is keyed by the
   * impression id, not the account, so Spark shuffles between the two joins and the second one reads
   * the first one's output watermark.
   */
  private static Dataset<Row> conversionsOfJoinedImpressions(Dataset<Row> left, Dataset<Row> right, Dataset<Row> third,
      String type) {
    Dataset<Row> clicked = side(left, "l").join(side(right, "r"), clickWithinASecondOfItsImpression(), type);
    return clicked.join(side(third, "t"),
            col("t_acct").equalTo(concat_ws("", lit("imp-"), col("l_id").cast("string")))
                .and(col("t_ts").geq(col("l_ts")))
                .and(col("t_ts").leq(col("l_ts").plus(expr("interval 1 second")))), "inner")
        .select(concat_ws("|", col("l_id").cast("string"), coalesce(col("r_id").cast("string"), lit("-")),
                col("t_id").cast("string")).as("key"),
            to_json(struct(col("l_id"), col("r_id"), col("t_id"))).as("value"));
  }

  /**
   * A left outer join read by a second stream-stream join, as Spark's micro-batch engine runs it:
   * impressions that never got a click leave the first join with nulls once the watermark passed
   * them and must still meet their conversions in the second join, which keeps the conversions until
   * the first join's output watermark (not its input watermark) passes them. The same rows as
   * micro-batch and as a batch join of the same rows, among them unclicked converted impressions.
   */
  @Test
  void aLeftOuterJoinIntoAnotherStreamJoinEqualsMicroBatch() throws Exception {
    joinIntoAnotherStreamJoinEqualsMicroBatch("left_outer");
  }

  /** The same chain with an inner first join: only clicked impressions meet their conversions. */
  @Test
  void anInnerJoinIntoAnotherStreamJoinEqualsMicroBatch() throws Exception {
    joinIntoAnotherStreamJoinEqualsMicroBatch("inner");
  }

  private void joinIntoAnotherStreamJoinEqualsMicroBatch(String type) throws Exception {
    String left = topic("left", 1);
    String right = topic("right", 1);
    String third = topic("third", 1);
    sendBothSides(left, right);
    sendConversions(third);
    Column noSentinels = col("event_id").notEqual(SENTINEL_LEFT).and(col("event_id").notEqual(SENTINEL_RIGHT))
        .and(col("event_id").notEqual(SENTINEL_THIRD));
    List<String> expected = conversionsOfJoinedImpressions(batchEvents(left).filter(noSentinels),
            batchEvents(right).filter(noSentinels), batchEvents(third).filter(noSentinels), type)
        .select("value").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    java.util.function.Supplier<Dataset<Row>> query = () -> conversionsOfJoinedImpressions(
        Queries.events(spark, broker.bootstrapServers(), left), Queries.events(spark, broker.bootstrapServers(), right),
        Queries.events(spark, broker.bootstrapServers(), third), type);
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    try (KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      start(query.get(), out, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> realTime.values().size() >= expected.size());
      queries.get(0).stop();
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      start(query.get(), mbOut, Sessions.workDir("cp-mb"), Trigger.ProcessingTime("200 milliseconds"));
      await().atMost(Duration.ofSeconds(40)).until(() -> microBatch.values().size() >= expected.size());
      queries.get(1).stop();
      assertThat(realTime.values()).hasSize(expected.size());
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values())).isEqualTo(multiset(expected));
      assertThat(realTime.values()).as("converted impressions").isNotEmpty();
      if (type.equals("left_outer")) {
        assertThat(realTime.values()).as("unclicked converted impressions, emitted by the first join's watermark")
            .anyMatch(v -> !v.contains("r_id"));
      }
    }
  }
}
