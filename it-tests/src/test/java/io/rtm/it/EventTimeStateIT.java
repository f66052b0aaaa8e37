package io.rtm.it;

import static org.apache.spark.sql.functions.col;
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
import java.util.function.Function;
import java.util.stream.Collectors;
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
 * Event-time state in real-time mode: deduplication over watermarked streams against stock
 * micro-batch on the same input, and the watermark kept across a restart.
 *
 * <p>Stock micro-batch moves its watermark only between batches, real-time mode with every record.
 * The input therefore comes in phases, and the micro-batch query runs once per phase on one
 * checkpoint (Trigger.AvailableNow, which also runs the no-data batch that evicts state): within a
 * phase no row is late for either engine, and rows sent as late are behind the watermark of the
 * previous phase, where both engines agree.
 */
class EventTimeStateIT {
  private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() {
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    // Two real-time queries of four tasks each, and room for the micro-batch runs beside them.
    spark = Sessions.realTime("local[12]")
        // Late-row counters of running tasks reach the driver with executor heartbeats.
        .config("spark.executor.heartbeatInterval", "1s")
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

  /** Event id at BASE + millis; one account per id, so all rows of an id stay in order in one partition. */
  private static void send(KafkaTopics.Producer producer, String in, long id, long millis) {
    producer.sendAt(in, id, "acct-" + (id % 5), 1.0, BASE.plusMillis(millis).toString());
  }

  private static Dataset<Row> watermarked(String in) {
    return Queries.events(spark, broker.bootstrapServers(), in).withWatermark("ts", "10 seconds");
  }

  private static Dataset<Row> asOutput(Dataset<Row> rows) {
    return rows.select(col("account_id").as("key"), to_json(struct(col("event_id"), col("ts"))).as("value"));
  }

  private StreamingQuery start(Dataset<Row> df, String out, Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = Queries.toKafka(df, broker.bootstrapServers(), out, checkpoint.toString())
        .outputMode("append")
        .trigger(trigger)
        .start();
    queries.add(q);
    return q;
  }

  /** One Trigger.AvailableNow run of the micro-batch query over what the topic holds now. */
  private void microBatchRun(Dataset<Row> df, String out, Path checkpoint) throws Exception {
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      start(df, out, checkpoint, Trigger.AvailableNow()).awaitTermination();
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  /** The two deduplications over one watermarked input, each with a real-time and a micro-batch run. */
  private final class Pair implements AutoCloseable {
    final Function<Dataset<Row>, Dataset<Row>> query;
    final String rtOut = topic("rt", 1);
    final String mbOut = topic("mb", 1);
    final Path mbCheckpoint = Sessions.workDir("cp-mb");
    final KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), rtOut);
    final KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut);

    Pair(Function<Dataset<Row>, Dataset<Row>> query) {
      this.query = query;
    }

    void startRealTime(String in) throws Exception {
      start(asOutput(query.apply(watermarked(in))), rtOut, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
    }

    void microBatchPhase(String in) throws Exception {
      microBatchRun(asOutput(query.apply(watermarked(in))), mbOut, mbCheckpoint);
    }

    @Override
    public void close() throws Exception {
      realTime.close();
      microBatch.close();
    }
  }

  @Test
  void dropDuplicatesWithWatermarkAndWithinWatermarkEqualMicroBatchAndDropLateRows() throws Exception {
    String in = topic("in", 1); // one order for both engines; the reducers are still two
    WatermarkDropCounter dropped = new WatermarkDropCounter();
    spark.sparkContext().addSparkListener(dropped);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         Pair byIdAndTime = new Pair(df -> df.dropDuplicates("event_id", "ts"));
         Pair withinWatermark = new Pair(df -> df.dropDuplicatesWithinWatermark("event_id"))) {
      byIdAndTime.startRealTime(in);
      withinWatermark.startRealTime(in);

      // Phase 1, in event-time order (so no row is late for either engine): ids 0..59 at 0..2.95 s,
      // each twice at the same time and once 0.5 s later; then ids 60..119 at 20..22.95 s, whose
      // watermark (12.95 s) makes the within-watermark keys of ids 0..59 (expiring at 10..12.95 s) leave.
      for (long i = 0; i < 60; i++) {
        send(producer, in, i, 50 * i);
        send(producer, in, i, 50 * i);
        send(producer, in, i, 50 * i + 500);
      }
      for (long i = 60; i < 120; i++) {
        send(producer, in, i, 20_000 + 50 * (i - 60));
      }
      awaitPhase(byIdAndTime, 180, withinWatermark, 120, in);

      // Phase 2, watermark 12.95 s: late rows first (5 s), new ids and known ones; then ids 0..9
      // again at 30 s (their within-watermark keys expired at 10..10.45 s, so they leave again) and
      // ids 60..69 at 31 s (remembered until 30..30.45 s: dropped by dropDuplicatesWithinWatermark,
      // a new (id, ts) for dropDuplicates).
      for (long j = 0; j < 5; j++) {
        send(producer, in, 2000 + j, 5_000);
        send(producer, in, 20 + j, 5_000);
      }
      for (long i = 0; i < 10; i++) {
        send(producer, in, i, 30_000 + 50 * i);
        send(producer, in, 60 + i, 31_000);
      }
      awaitPhase(byIdAndTime, 200, withinWatermark, 130, in);

      for (Pair p : List.of(byIdAndTime, withinWatermark)) {
        assertThat(multiset(p.realTime.values())).isEqualTo(multiset(p.microBatch.values()));
        // No late row, whether its id was new or known.
        assertThat(p.realTime.values()).noneMatch(v -> v.matches(".*\"event_id\":200[0-4],.*"))
            .noneMatch(v -> v.contains("00:00:05.000"));
      }
      assertThat(withinWatermark.realTime.values()).filteredOn(v -> v.contains("\"event_id\":3,"))
          .hasSize(2); // first seen at 0.15 s, again after its key expired
      assertThat(byIdAndTime.realTime.values()).filteredOn(v -> v.contains("\"event_id\":3,"))
          .hasSize(3); // at 0.15 s, 0.65 s and 30.15 s
      // The ten late rows, dropped by each of the two real-time queries, are counted.
      await().atMost(Duration.ofSeconds(20)).until(() -> dropped.total() >= 20);
      assertThat(dropped.total()).isEqualTo(20);
    } finally {
      spark.sparkContext().removeSparkListener(dropped);
    }
  }

  /** Real-time output of a phase, then the micro-batch runs over the same input. */
  private void awaitPhase(Pair a, int expectedA, Pair b, int expectedB, String in) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(
        () -> a.realTime.values().size() >= expectedA && b.realTime.values().size() >= expectedB);
    a.microBatchPhase(in);
    b.microBatchPhase(in);
    await().atMost(Duration.ofSeconds(30)).until(
        () -> a.microBatch.values().size() >= expectedA && b.microBatch.values().size() >= expectedB);
  }

  @Test
  void aRowLateBeforeARestartIsStillDroppedAfterIt() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    Dataset<Row> query = asOutput(watermarked(in).dropDuplicates("event_id"));
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery first = start(query, out, checkpoint, Trigger.Continuous("200 milliseconds"));
      for (long i = 0; i < 30; i++) {
        send(producer, in, i, 20_000 + 50 * i); // watermark 11.45 s
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> collector.values().size() >= 30);
      int committed = RealTimeModeITSupport.committedEpochs(checkpoint);
      await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= committed + 2);
      first.stop();

      start(query, out, checkpoint, Trigger.Continuous("200 milliseconds"));
      // The first rows the restarted query reads: late for the watermark before the restart; none
      // of the rows it replays could rebuild that watermark in time.
      send(producer, in, 500, 1_000);
      send(producer, in, 505, 1_000);
      send(producer, in, 600, 40_000); // same accounts (partitions) as the late rows, after them
      send(producer, in, 605, 40_000);
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().stream()
          .filter(v -> v.contains("\"event_id\":600,") || v.contains("\"event_id\":605,")).count() == 2);
      assertThat(collector.values()).noneMatch(v -> v.contains("\"event_id\":500,") || v.contains("\"event_id\":505,"));
    }
  }

  private static Dataset<Row> sessions(String in) {
    return Queries.events(spark, broker.bootstrapServers(), in).withWatermark("ts", "5 seconds")
        .groupBy(org.apache.spark.sql.functions.session_window(col("ts"), "2 seconds"), col("account_id"))
        .agg(org.apache.spark.sql.functions.count("*").as("n"), org.apache.spark.sql.functions.sum("amount").as("total"),
            org.apache.spark.sql.functions.array_sort(org.apache.spark.sql.functions.collect_list("event_id")).as("ids"))
        .select(org.apache.spark.sql.functions.concat_ws("|", col("account_id"), col("session_window.start").cast("string")).as("key"),
            to_json(struct(col("session_window"), col("n"), col("total"), col("ids"))).as("value"));
  }

  private static long sendSession(KafkaTopics.Producer producer, String in, long id, int account, long millis) {
    producer.sendAt(in, id, "acct-" + account, 1.0 + account, BASE.plusMillis(millis).toString());
    return id + 1;
  }

  /**
   * Session windows (gap 2 s, watermark delay 5 s) in append mode: each session leaves once, when
   * the watermark passes its end, merged as stock micro-batch merges it. One input partition, so
   * both engines see one order, and rows in event-time order within a phase are late for neither.
   */
  @Test
  void sessionWindowsInAppendModeEqualMicroBatch() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    String mbOut = topic("mb", 1);
    Path mbCheckpoint = Sessions.workDir("cp-mb");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      // Spark aligns triggers to multiples of the interval: with an hour no epoch ends during the
      // test after the first, empty one, so every session below leaves inside one epoch.
      Path checkpoint = Sessions.workDir("cp");
      start(sessions(in), out, checkpoint, Trigger.Continuous("1 hour"));
      await().atMost(Duration.ofSeconds(60)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 1);
      int committedBefore = RealTimeModeITSupport.committedEpochs(checkpoint);
      long id = 0;
      // Phase 1: per account a session [0, 3 s) and one [3.5, 6 s); account 1 gets a row at 2 s
      // last, which bridges its two sessions into [0, 6 s) (three-way merge of buffers).
      for (int a = 0; a < 5; a++) {
        for (long t : new long[] {0, 500, 1000, 3500, 4000}) {
          id = sendSession(producer, in, id, a, t);
        }
      }
      id = sendSession(producer, in, id, 1, 2000);
      // Then sessions [12, 15 s): the watermark reaches 8 s and closes the earlier sessions.
      for (int a = 0; a < 5; a++) {
        for (long t : new long[] {12_000, 12_500, 13_000}) {
          id = sendSession(producer, in, id, a, t);
        }
      }
      microBatchRun(sessions(in), mbOut, mbCheckpoint);
      // Phase 2: a late row (its session ends at 3 s, behind 8 s), a new session [6.5, 8.5 s),
      // then rows at 20 s, whose watermark of 15 s closes everything before.
      id = sendSession(producer, in, 900, 0, 1000);
      id = sendSession(producer, in, id, 0, 6500);
      for (int a = 0; a < 5; a++) {
        id = sendSession(producer, in, id, a, 20_000);
      }
      microBatchRun(sessions(in), mbOut, mbCheckpoint);

      int closed = 4 * 2 + 1 + 5 + 1;
      await().atMost(Duration.ofSeconds(30)).until(() -> realTime.values().size() >= closed);
      await().atMost(Duration.ofSeconds(30)).until(() -> microBatch.values().size() >= closed);
      assertThat(microBatch.values()).hasSize(closed);
      assertThat(multiset(realTime.values())).isEqualTo(multiset(microBatch.values()));
      assertThat(RealTimeModeITSupport.committedEpochs(checkpoint)).as("sessions left before any epoch end")
          .isEqualTo(committedBefore);
      assertThat(realTime.values()).noneMatch(v -> v.contains("900"))
          .anyMatch(v -> v.contains("00:00:06") && v.contains("\"n\":6,"));
    }
  }

  /**
   * Open sessions and the watermark survive a restart: the restarted task rebuilds its session
   * index from the restored state, merges a new row into a restored session, closes restored
   * sessions when the watermark passes them, and drops a row that was late before the restart.
   */
  @Test
  void openSessionsAndTheWatermarkSurviveARestart() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery first = start(sessions(in), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= 1);
      long id = 0;
      for (int a = 0; a < 5; a++) {
        for (long t : new long[] {0, 500, 1000}) { // sessions [0, 3 s), watermark -4 s
          id = sendSession(producer, in, id, a, t);
        }
      }
      int committed = RealTimeModeITSupport.committedEpochs(checkpoint);
      await().atMost(Duration.ofSeconds(30)).until(() -> RealTimeModeITSupport.committedEpochs(checkpoint) >= committed + 3);
      first.stop();
      assertThat(collector.values()).isEmpty(); // no session closed yet

      start(sessions(in), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      sendSession(producer, in, 900, 0, -7_000); // its session ends at -5 s, behind -4 s
      sendSession(producer, in, 901, 1, 2_500); // joins account 1's restored session: [0, 4.5 s)
      for (int a = 0; a < 5; a++) {
        sendSession(producer, in, 910 + a, a, 20_000); // watermark 15 s closes them all
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> collector.values().size() >= 5);
      assertThat(collector.values()).hasSize(5)
          .noneMatch(v -> v.contains("900"))
          .anyMatch(v -> v.contains("\"ids\":[3,4,5,901]") && v.contains("00:00:04.500"))
          .filteredOn(v -> v.contains("\"n\":3,") && v.contains("\"end\":\"2026-01-01T00:00:03.000Z\""))
          .hasSize(4);
    }
  }

  /** As in stock Spark, whose streaming checks real-time mode keeps: no update mode for sessions. */
  @Test
  void sessionWindowsInUpdateModeAreRefusedAtStartAsInStockSpark() {
    String in = topic("in", 1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Queries.toKafka(sessions(in), broker.bootstrapServers(),
            topic("out", 1), Sessions.workDir("cp").toString())
        .outputMode("update")
        .trigger(Trigger.Continuous("1 second"))
        .start())
        .isInstanceOf(org.apache.spark.sql.AnalysisException.class)
        .hasMessageContaining("session window");
  }
}
