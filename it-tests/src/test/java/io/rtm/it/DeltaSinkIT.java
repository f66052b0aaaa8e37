package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.SparkThrowable;
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

/**
 * Delta Lake as the sink of a real-time query: Delta's own DataSource V2 streaming write (Delta
 * 4.4 with spark.databricks.delta.v2.enableMode=STRICT) commits each epoch as one Delta commit
 * carrying the transaction identifier (query id, epoch), so a replayed epoch is never committed twice.
 */
class DeltaSinkIT {
  private static final String COLUMNS = "event_id BIGINT, account_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP";
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static Path warehouse;
  private static final AtomicInteger NAMES = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() {
    Sessions.pluginJar();
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    warehouse = Sessions.workDir("warehouse");
    spark = Sessions.realTime("local[8]")
        .config("spark.sql.extensions", "io.rtm.plugin.RealTimeModeExtensions,io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.databricks.delta.v2.enableMode", "STRICT")
        .config("spark.sql.warehouse.dir", warehouse.toString())
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
    queries.forEach(q -> {
      try {
        q.stop();
      } catch (Exception ignored) {
        // checked by the test
      }
    });
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String name(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  private static String topic(String prefix, int partitions) {
    String t = prefix + "-" + NAMES.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  /** Kafka in, filter, hash shuffle, into a Delta table of the event's columns. */
  private static Dataset<Row> shuffledEvents(String in) {
    return Queries.events(spark, broker.bootstrapServers(), in)
        .filter(col("amount").gt(10.0))
        .repartition(2, col("account_id"));
  }

  private StreamingQuery toTable(Dataset<Row> df, String table, Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = df.writeStream()
        .option("checkpointLocation", checkpoint.toString())
        .trigger(trigger)
        .toTable(table);
    queries.add(q);
    return q;
  }

  @Test
  void eachEpochIsOneIdempotentDeltaCommitAndTheTableMatchesMicroBatch() throws Exception {
    String in = topic("delta-in", 2);
    String rt = name("rt");
    String mb = name("mb");
    spark.sql("CREATE TABLE " + rt + " (" + COLUMNS + ") USING delta");
    spark.sql("CREATE TABLE " + mb + " (" + COLUMNS + ") USING delta");
    List<KafkaTopics.Sent> sent;
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      sent = new ArrayList<>(producer.sendRange(in, 0, 300));
      StreamingQuery q = toTable(shuffledEvents(in), rt, Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds"));
      long half = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(rt).count() >= half);
      sent.addAll(producer.sendRange(in, 300, 300));
      long all = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(rt).count() >= all);
      String queryId = q.id().toString();
      q.stop();

      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      toTable(shuffledEvents(in), mb, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
      assertThat(rows(rt)).isEqualTo(rows(mb)).hasSize((int) all);

      // Every data commit of the real-time query carries (query id, epoch), each epoch once, in order.
      List<Long> epochs = txnVersions(tableDir(rt), queryId);
      assertThat(epochs).isNotEmpty().isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void eachInputLandsOnceInTheTableAcrossATaskFailure() throws Exception {
    String in = topic("delta-in", 2);
    String rt = name("rt");
    spark.sql("CREATE TABLE " + rt + " (" + COLUMNS + ") USING delta");
    FailureInjection failure = new FailureInjection(Sessions.workDir("inject"));
    ChaosChecks.RunStarts runs = new ChaosChecks.RunStarts();
    spark.sparkContext().addSparkListener(runs);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      List<KafkaTopics.Sent> sent = new ArrayList<>(producer.sendRange(in, 0, 200));
      toTable(failure.applyTo(shuffledEvents(in), FailureInjection.Mode.ONCE), rt, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      long warm = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(rt).count() >= warm);
      failure.arm();
      sent.addAll(producer.sendRange(in, 200, 300));
      await().atMost(Duration.ofSeconds(30)).until(failure::fired);
      await().atMost(Duration.ofSeconds(60)).until(() -> runs.runs().size() >= 2);
      sent.addAll(producer.sendRange(in, 500, 100));
      long all = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> spark.table(rt).select("event_id").distinct().count() >= all);
      assertThat(spark.table(rt).count()).as("rows (each input once)").isEqualTo(all);
    } finally {
      spark.sparkContext().removeSparkListener(runs);
    }
  }

  /** Per account, how many events: the keyed update-mode aggregation the upsert tests write. */
  private static Dataset<Row> countsPerAccount(Dataset<Row> events) {
    return events.groupBy(col("account_id")).agg(count("*").as("n"));
  }

  /** Per 10-second window and account, with the account column renamed after the aggregation. */
  private static Dataset<Row> windowedCounts(Dataset<Row> events) {
    return events.groupBy(window(col("ts"), "10 seconds"), col("account_id")).agg(count("*").as("n"))
        .select(col("window"), col("account_id").as("account"), col("n"));
  }

  /** The final per-key result of stock micro-batch on the topic's input so far (complete mode, memory sink). */
  private static List<String> microBatchResult(String in, java.util.function.UnaryOperator<Dataset<Row>> agg)
      throws Exception {
    String view = name("mb");
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      agg.apply(Queries.events(spark, broker.bootstrapServers(), in)).writeStream().outputMode("complete")
          .format("memory").queryName(view)
          .option("checkpointLocation", Sessions.workDir("cp-mb").toString())
          .trigger(Trigger.AvailableNow()).start().awaitTermination();
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
    return rows(view);
  }

  private StreamingQuery upsert(Dataset<Row> df, String table, Path checkpoint) throws Exception {
    StreamingQuery q = df.writeStream().outputMode("update")
        .option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.Continuous("1 second"))
        .toTable(table);
    queries.add(q);
    return q;
  }

  private static void awaitRows(StreamingQuery q, String table, List<String> expected) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      if (q.exception().isDefined()) {
        throw q.exception().get();
      }
      return rows(table).equals(expected);
    });
  }

  /** Every commit of the table after its creation carries one txn of {@code appId}: one Delta commit per MERGE. */
  private static void assertOneCommitPerUpsertedEpoch(String table, String appId) throws Exception {
    assertOneCommitPerUpsertedEpoch(tableDir(table), appId);
  }

  private static void assertOneCommitPerUpsertedEpoch(Path table, String appId) throws Exception {
    // The query may still be running and committing: count the txns of the commits up to the
    // version read first, or a commit landing in between makes the two disagree.
    long latest = latestVersion(table);
    List<Long> epochs = txnVersions(table, appId, latest);
    assertThat(epochs).as("txn versions (epochs) of the MERGE commits").isNotEmpty().isSorted()
        .doesNotHaveDuplicates();
    assertThat(epochs.size()).as("Delta commits after CREATE TABLE up to version %d, each with a txn", latest)
        .isEqualTo(latest);
  }

  @Test
  void anUpdateModeAggregationIsUpsertedByKeyOncePerEpochAndAnAppliedEpochIsNotMergedTwice() throws Exception {
    String in = topic("delta-in", 1);
    String rt = name("counts");
    spark.sql("CREATE TABLE " + rt + " (account_id STRING, n BIGINT) USING delta");
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      producer.sendRange(in, 0, 150);
      StreamingQuery q = upsert(countsPerAccount(Queries.events(spark, broker.bootstrapServers(), in)), rt, checkpoint);
      String queryId = q.id().toString();
      List<String> firstWave = microBatchResult(in, DeltaSinkIT::countsPerAccount);
      awaitRows(q, rt, firstWave);
      assertThat(firstWave).hasSize(37);
      assertOneCommitPerUpsertedEpoch(rt, queryId);
      q.stop();

      // The replay of an epoch whose MERGE is in the table (a crash between the MERGE and the epoch's
      // commit-log entry): the plugin's MERGE, with its txn (query id, epoch), and rows that would
      // change every key, is a no-op in Delta.
      long merged = txnVersions(tableDir(rt), queryId).stream().mapToLong(Long::longValue).max().orElseThrow();
      long tableVersion = latestVersion(tableDir(rt));
      mergeAsTheSinkWould(rt, queryId, merged, spark.table(rt).select(col("account_id"), lit(-1L).as("n")));
      assertThat(latestVersion(tableDir(rt))).as("table version after replaying epoch " + merged)
          .isEqualTo(tableVersion);
      assertThat(rows(rt)).isEqualTo(firstWave);

      // The same crash for real: the commit-log entries from the last merged epoch on are gone, so the
      // restart replays from the epoch before it; a second wave updates every key (matched rows).
      long lastCommitted = lastCommittedEpoch(checkpoint);
      assertThat(lastCommitted).isGreaterThanOrEqualTo(merged);
      for (long e = lastCommitted; e >= merged; e--) {
        Files.deleteIfExists(checkpoint.resolve("commits").resolve(Long.toString(e)));
        Files.deleteIfExists(checkpoint.resolve("commits").resolve("." + e + ".crc"));
      }
      StreamingQuery restarted = upsert(countsPerAccount(Queries.events(spark, broker.bootstrapServers(), in)), rt,
          checkpoint);
      producer.sendRange(in, 150, 150);
      awaitRows(restarted, rt, microBatchResult(in, DeltaSinkIT::countsPerAccount));
      assertOneCommitPerUpsertedEpoch(rt, queryId);
    }
  }

  @Test
  void anUpsertWhoseTasksTakeEverySlotFailsAtStartCountingTheMergeJob() throws Exception {
    String rt = name("counts");
    spark.sql("CREATE TABLE " + rt + " (account_id STRING, n BIGINT) USING delta");
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.rtm.scheduling.slotWaitMs", "500");
    // 1 source task + 7 aggregation tasks fill local[8]; each epoch's MERGE would find no slot.
    spark.conf().set("spark.sql.shuffle.partitions", "7");
    try {
      StreamingQuery q = upsert(countsPerAccount(Queries.events(spark, broker.bootstrapServers(), topic("delta-in", 1))),
          rt, Sessions.workDir("cp"));
      assertThatThrownBy(() -> q.awaitTermination(60_000))
          .isInstanceOf(StreamingQueryException.class)
          .hasStackTraceContaining("RTM_INSUFFICIENT_TASK_SLOTS")
          .hasStackTraceContaining("needs 9 task slots")
          .hasStackTraceContaining("1 for the sink's per-epoch MERGE job");
      assertThat(latestVersion(tableDir(rt))).as("nothing merged").isZero();
    } finally {
      spark.conf().unset("spark.rtm.scheduling.slotWaitMs");
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
    }
  }

  /** The MERGE statement of the plugin's upsert commit, with Delta's idempotent-write confs. */
  private static void mergeAsTheSinkWould(String table, String appId, long epoch, Dataset<Row> rows) {
    rows.createOrReplaceTempView("replayed");
    spark.conf().set("spark.databricks.delta.v2.enableMode", "NONE");
    spark.conf().set("spark.databricks.delta.write.txnAppId", appId);
    spark.conf().set("spark.databricks.delta.write.txnVersion", Long.toString(epoch));
    try {
      spark.sql("MERGE INTO " + table + " AS t USING replayed AS s ON t.account_id <=> s.account_id"
          + " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
    } finally {
      spark.conf().unset("spark.databricks.delta.write.txnAppId");
      spark.conf().unset("spark.databricks.delta.write.txnVersion");
      spark.conf().set("spark.databricks.delta.v2.enableMode", "STRICT");
      spark.catalog().dropTempView("replayed");
    }
  }

  @Test
  void aWindowedUpdateModeAggregationIsUpsertedByWindowAndRenamedKey() throws Exception {
    String in = topic("delta-in", 1);
    Path dir = Sessions.workDir("delta-path").resolve("windows");
    spark.sql("CREATE TABLE delta.`" + dir + "` (window STRUCT<start: TIMESTAMP, end: TIMESTAMP>, account STRING,"
        + " n BIGINT) USING delta");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      producer.sendRange(in, 0, 200);
      // By path through toTable: format("delta").start(path) is refused in Update mode by Delta's own
      // DataSource (DeltaDataSource.createSink) before any query exists.
      StreamingQuery q = upsert(windowedCounts(Queries.events(spark, broker.bootstrapServers(), in)),
          "delta.`" + dir + "`", Sessions.workDir("cp"));
      List<String> expected = microBatchResult(in, DeltaSinkIT::windowedCounts);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (q.exception().isDefined()) {
          throw q.exception().get();
        }
        return sorted(spark.read().format("delta").load(dir.toString())).equals(expected);
      });
      long windowsAndAccounts = java.util.stream.LongStream.range(0, 200).mapToObj(id -> (id % 60) / 10 + "/" + id % 37)
          .distinct().count();
      assertThat(expected).hasSize((int) windowsAndAccounts);
      assertOneCommitPerUpsertedEpoch(dir, q.id().toString());
    }
  }

  @Test
  void anUpdateModeQueryWhoseKeysCannotBeFoundOrWithoutAggregationFailsAtStartNamingTheTableAndSwitchOffDeltaRefusesIt() throws Exception {
    String in = topic("delta-in", 1);
    String rt = name("computed");
    spark.sql("CREATE TABLE " + rt + " (account_id STRING, n BIGINT) USING delta");
    Dataset<Row> computedKey = countsPerAccount(Queries.events(spark, broker.bootstrapServers(), in))
        .select(upper(col("account_id")).as("account_id"), col("n"));
    assertThatThrownBy(() -> upsert(computedKey, rt, Sessions.workDir("cp")))
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_DELTA_UPSERT_KEYS_UNKNOWN"))
        .hasMessageContaining(rt)
        .hasMessageContaining("grouping key")
        .hasMessageContaining("rtm.upsertKeys");
    assertThatThrownBy(() -> computedKey.writeStream().outputMode("update").option("rtm.upsertKeys", "account")
            .option("checkpointLocation", Sessions.workDir("cp").toString())
            .trigger(Trigger.Continuous("1 second")).toTable(rt))
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_DELTA_UPSERT_KEYS_UNKNOWN"))
        .hasMessageContaining("names account, which the query does not write");

    String events = name("events");
    spark.sql("CREATE TABLE " + events + " (" + COLUMNS + ") USING delta");
    assertThatThrownBy(() -> upsert(Queries.events(spark, broker.bootstrapServers(), in), events,
            Sessions.workDir("cp")))
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_DELTA_UPSERT_NEEDS_AGGREGATION"))
        .hasMessageContaining(events);

    // Switch off: stock Spark, and Delta refuses Update mode as it always did.
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    assertThatThrownBy(() -> {
      StreamingQuery stock = countsPerAccount(Queries.events(spark, broker.bootstrapServers(), in)).writeStream()
          .outputMode("update").option("checkpointLocation", Sessions.workDir("cp").toString())
          .trigger(Trigger.ProcessingTime("1 second")).toTable(rt);
      queries.add(stock);
      stock.awaitTermination(30_000);
    }).hasStackTraceContaining("does not support Update mode");
  }

  private static long lastCommittedEpoch(Path checkpoint) throws Exception {
    try (var files = Files.list(checkpoint.resolve("commits"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .mapToLong(Long::parseLong).max().orElse(-1);
    }
  }

  @Test
  void formatDeltaStartPathRunsOnTheRealTimeEngineAndCreatesTheTable() throws Exception {
    String in = topic("delta-in", 2);
    Path dir = Sessions.workDir("delta-path").resolve("table");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 200);
      StreamingQuery q = shuffledEvents(in).writeStream().format("delta")
          .option("checkpointLocation", Sessions.workDir("cp").toString())
          .trigger(Trigger.Continuous("200 milliseconds"))
          .start(dir.toString());
      queries.add(q);
      long kept = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (q.exception().isDefined()) {
          throw q.exception().get();
        }
        return Files.isDirectory(dir.resolve("_delta_log"))
            && spark.read().format("delta").load(dir.toString()).count() >= kept;
      });
      assertThat(spark.read().format("delta").load(dir.toString()).count()).isEqualTo(kept);
      // Written by the real-time engine: epochs as Delta transactions of this query.
      assertOneCommitPerUpsertedEpoch(dir, q.id().toString());
    }
  }

  @Test
  void aByPathTableWorksThroughToTable() throws Exception {
    String in = topic("delta-in", 1);
    Path dir = Sessions.workDir("delta-path");
    spark.sql("CREATE TABLE delta.`" + dir + "` (" + COLUMNS + ") USING delta");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      producer.sendRange(in, 0, 50);
      toTable(Queries.events(spark, broker.bootstrapServers(), in), "delta.`" + dir + "`", Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60))
          .until(() -> spark.read().format("delta").load(dir.toString()).count() >= 50);
    }
  }

  @Test
  void aColumnTheTableLacksOrATypeItRefusesFailsAtStartNamingTheColumn() throws Exception {
    String in = topic("delta-in", 1);
    String narrow = name("narrow");
    spark.sql("CREATE TABLE " + narrow + " (event_id BIGINT, account_id STRING) USING delta");
    assertThatThrownBy(() -> toTable(Queries.events(spark, broker.bootstrapServers(), in), narrow,
            Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds")))
        .isInstanceOfSatisfying(SparkThrowable.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_SINK_SCHEMA_MISMATCH"))
        .hasMessageContaining("column amount")
        .hasMessageContaining("event_id, account_id");

    String typed = name("typed");
    spark.sql("CREATE TABLE " + typed + " (event_id STRING, account_id STRING, amount DOUBLE, merchant STRING,"
        + " ts TIMESTAMP) USING delta");
    // Delta's own schema enforcement names the column.
    assertThatThrownBy(() -> toTable(Queries.events(spark, broker.bootstrapServers(), in), typed,
            Sessions.workDir("cp"), Trigger.Continuous("200 milliseconds")))
        .isInstanceOf(SparkThrowable.class)
        .hasMessageContaining("event_id");
  }

  @Test
  void aColumnAddedByAnotherWriterStopsTheQueryNamingItWithNothingOfTheEpochWrittenAndARestartWritingItResumes()
      throws Exception {
    String in = topic("delta-in", 2);
    String table = name("altered");
    Path dir = tableDir(table);
    spark.sql("CREATE TABLE " + table + " (" + COLUMNS + ") USING delta");
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      producer.sendRange(in, 0, 100);
      StreamingQuery q = toTable(Queries.events(spark, broker.bootstrapServers(), in), table, checkpoint,
          Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(table).count() >= 100);

      // Another writer widens the table while the query runs, and more input arrives. Through Delta's
      // V1 connector: in STRICT mode the ALTER changes the session catalog's entry only, not the Delta log.
      spark.conf().set("spark.databricks.delta.v2.enableMode", "NONE");
      try {
        spark.sql("ALTER TABLE " + table + " ADD COLUMNS (note STRING)");
      } finally {
        spark.conf().set("spark.databricks.delta.v2.enableMode", "STRICT");
      }
      long altered = latestVersion(dir);
      producer.sendRange(in, 100, 100);
      assertThatThrownBy(() -> q.awaitTermination(30_000))
          .isInstanceOf(StreamingQueryException.class)
          .satisfies(e -> assertThat(condition(e)).isEqualTo("RTM_SINK_SCHEMA_CHANGED"))
          .hasMessageContaining("column note STRING added");
      // The epoch that could not commit left nothing in the table: no commit after the ALTER.
      assertThat(latestVersion(dir)).as("last table version").isEqualTo(altered);
      long before = spark.table(table).count();
      assertThat(spark.table(table).select("event_id").distinct().count()).as("distinct rows").isEqualTo(before);
      assertThat(before).isBetween(100L, 200L);

      // Delta's V2 writer needs every column of the table: the same query fails at start naming it.
      assertThatThrownBy(() -> toTable(Queries.events(spark, broker.bootstrapServers(), in), table, checkpoint,
              Trigger.Continuous("200 milliseconds")))
          .isInstanceOfSatisfying(SparkThrowable.class,
              e -> assertThat(e.getCondition()).isEqualTo("RTM_SINK_COLUMN_NOT_WRITTEN"))
          .hasMessageContaining("column note");
      // Writing the new column, the query resumes on its checkpoint; every input lands once.
      StreamingQuery restarted = toTable(Queries.events(spark, broker.bootstrapServers(), in)
              .withColumn("note", lit(null).cast("string")), table, checkpoint,
          Trigger.Continuous("200 milliseconds"));
      producer.sendRange(in, 200, 50);
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (restarted.exception().isDefined()) {
          throw restarted.exception().get();
        }
        return spark.table(table).select("event_id").distinct().count() >= 250;
      });
      assertThat(spark.table(table).count()).as("rows (each input once)").isEqualTo(250);
      Dataset<Row> now = spark.table(table);
      assertThat(now.columns()).contains("note");
      assertThat(now.filter(col("note").isNotNull()).count()).isZero();
      assertThat(now.filter(col("amount").isNull()).count()).as("rows with the old columns unset").isZero();
    }
  }

  @Test
  void aColumnRetypedByAnotherWriterStopsTheQueryNamingItAndTheRestartFailsAtStartNamingIt() throws Exception {
    String in = topic("delta-in", 1);
    String table = name("retyped");
    spark.sql("CREATE TABLE " + table + " (" + COLUMNS + ") USING delta");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      producer.sendRange(in, 0, 50);
      Path checkpoint = Sessions.workDir("cp");
      StreamingQuery q = toTable(Queries.events(spark, broker.bootstrapServers(), in), table, checkpoint,
          Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(table).count() >= 50);
      // Another writer replaces the table with amount as a string (Delta's V1 connector, see above).
      spark.conf().set("spark.databricks.delta.v2.enableMode", "NONE");
      try {
        spark.sql("CREATE OR REPLACE TABLE " + table + " (" + COLUMNS.replace("amount DOUBLE", "amount STRING")
            + ") USING delta");
      } finally {
        spark.conf().set("spark.databricks.delta.v2.enableMode", "STRICT");
      }
      long replaced = latestVersion(tableDir(table));
      assertThatThrownBy(() -> q.awaitTermination(30_000))
          .isInstanceOf(StreamingQueryException.class)
          .satisfies(e -> assertThat(condition(e)).isEqualTo("RTM_SINK_SCHEMA_CHANGED"))
          .hasMessageContaining("column amount changed from DOUBLE to STRING");
      assertThat(latestVersion(tableDir(table))).as("last table version").isEqualTo(replaced);
      assertThatThrownBy(() -> toTable(Queries.events(spark, broker.bootstrapServers(), in), table, checkpoint,
              Trigger.Continuous("200 milliseconds")))
          .isInstanceOf(SparkThrowable.class)
          .hasMessageContaining("amount");
    }
  }

  /** The engine's error condition in an exception's cause chain, else the outermost one. */
  private static String condition(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable s && s.getCondition() != null && s.getCondition().startsWith("RTM_")) {
        return s.getCondition();
      }
    }
    return e instanceof SparkThrowable s ? s.getCondition() : e.toString();
  }

  private static long latestVersion(Path table) throws Exception {
    try (var files = Files.list(table.resolve("_delta_log"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, n.indexOf('.')))).max().orElseThrow();
    }
  }

  private static List<String> rows(String table) {
    return sorted(spark.table(table));
  }

  private static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static Path tableDir(String table) {
    return warehouse.resolve(table);
  }

  /**
   * The driver dies between an epoch's Delta commit and its commit-log entry (simulated: the entry
   * is deleted after a clean stop, the table keeps the epoch). A replay of that epoch cannot be
   * exactly once (Delta would skip the whole replayed epoch, or it would append again under the
   * next epoch number), so the restart marks the epoch committed from the table's txn and resumes
   * after it: every input once, and input sent while the query was down is not lost.
   */
  @Test
  void anEpochTheTableHoldsButTheCommitLogLacksIsNotReplayed() throws Exception {
    String in = topic("delta-in", 2);
    String rt = name("rolled");
    String mb = name("rolled_mb");
    spark.sql("CREATE TABLE " + rt + " (" + COLUMNS + ") USING delta");
    spark.sql("CREATE TABLE " + mb + " (" + COLUMNS + ") USING delta");
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      List<KafkaTopics.Sent> sent = new ArrayList<>(producer.sendRange(in, 0, 300));
      StreamingQuery q = toTable(shuffledEvents(in), rt, checkpoint, Trigger.Continuous("200 milliseconds"));
      String queryId = q.id().toString();
      long firstWave = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(rt).count() >= firstWave);
      q.stop();

      long lastInTable = txnVersions(tableDir(rt), queryId).stream().mapToLong(Long::longValue).max().orElseThrow();
      long lastCommitted = lastCommittedEpoch(checkpoint);
      assertThat(lastCommitted).isGreaterThanOrEqualTo(lastInTable);
      for (long e = lastCommitted; e >= lastInTable; e--) {
        Files.deleteIfExists(checkpoint.resolve("commits").resolve(Long.toString(e)));
        Files.deleteIfExists(checkpoint.resolve("commits").resolve("." + e + ".crc"));
      }
      sent.addAll(producer.sendRange(in, 300, 300));
      StreamingQuery restarted = toTable(shuffledEvents(in), rt, checkpoint, Trigger.Continuous("200 milliseconds"));
      long all = sent.stream().filter(s -> Queries.kept(s.eventId())).count();
      await().atMost(Duration.ofSeconds(60)).until(() -> spark.table(rt).count() >= all);
      assertThat(lastCommittedEpoch(checkpoint)).as("the restart resumed after the table's epoch")
          .isGreaterThan(lastInTable);
      restarted.stop();

      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      toTable(shuffledEvents(in), mb, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
      assertThat(rows(rt)).isEqualTo(rows(mb)).hasSize((int) all);
      assertThat(txnVersions(tableDir(rt), queryId)).isSorted().doesNotHaveDuplicates();
    }
  }

  /** Versions of the Delta "txn" actions of application {@code appId}, in commit order. */
  private static List<Long> txnVersions(Path table, String appId) throws Exception {
    return txnVersions(table, appId, Long.MAX_VALUE);
  }

  /** The txn versions of {@code appId} in the table's commits up to Delta version {@code upTo}. */
  private static List<Long> txnVersions(Path table, String appId, long upTo) throws Exception {
    Pattern txn = Pattern.compile("\"txn\":\\{\"appId\":\"" + Pattern.quote(appId) + "\",\"version\":(\\d+)");
    List<Long> versions = new ArrayList<>();
    try (var files = Files.list(table.resolve("_delta_log"))) {
      for (Path commit : files.filter(p -> p.getFileName().toString().matches("\\d+\\.json"))
          .filter(p -> Long.parseLong(p.getFileName().toString().replace(".json", "")) <= upTo).sorted().toList()) {
        Matcher m = txn.matcher(Files.readString(commit));
        while (m.find()) {
          versions.add(Long.parseLong(m.group(1)));
        }
      }
    }
    return versions;
  }

  // ---- A Delta table as the static side of a stream-static join (issue 4, item 4) ----

  /** A Delta table of accounts 0, step, 2 step, ... below 37 with a region each, written through Delta's V1 writer. */
  private static String deltaAccounts(int step, String regionPrefix) {
    String table = name("accounts");
    writeAccounts(table, step, regionPrefix);
    return table;
  }

  /** Creates the table, or overwrites it as its next version. */
  private static void writeAccounts(String table, int step, String regionPrefix) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 37; i += step) {
      rows.add(org.apache.spark.sql.RowFactory.create("acct-" + i, regionPrefix + (i % 5)));
    }
    spark.conf().set("spark.databricks.delta.v2.enableMode", "NONE");
    try {
      spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
              .add("account_id", "string").add("region", "string"))
          .write().format("delta").mode("overwrite").saveAsTable(table);
    } finally {
      spark.conf().set("spark.databricks.delta.v2.enableMode", "STRICT");
    }
  }

  /** Each event joined with its account's region from the static Delta table, into Kafka. */
  private static Dataset<Row> withRegion(String in, String accounts, boolean broadcast, String joinType) {
    Dataset<Row> dim = spark.table(accounts);
    return Queries.events(spark, broker.bootstrapServers(), in)
        .join(broadcast ? org.apache.spark.sql.functions.broadcast(dim) : dim,
            scala.jdk.javaapi.CollectionConverters.asScala(List.of("account_id")).toSeq(), joinType)
        .select(col("account_id").as("key"),
            org.apache.spark.sql.functions.to_json(org.apache.spark.sql.functions.struct(col("event_id"),
                col("region"))).as("value"));
  }

  private StreamingQuery toKafka(Dataset<Row> df, String out, Path checkpoint, Trigger trigger) throws Exception {
    StreamingQuery q = Queries.toKafka(df, broker.bootstrapServers(), out, checkpoint.toString())
        .trigger(trigger).start();
    queries.add(q);
    return q;
  }

  /** The values the same query writes under stock micro-batch (one AvailableNow run over the topic). */
  private List<String> microBatchValues(Dataset<Row> df, long expected) throws Exception {
    String out = topic("mb", 1);
    try (KafkaTopics.Collector mb = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      try {
        toKafka(df, out, Sessions.workDir("cp-mb"), Trigger.AvailableNow()).awaitTermination();
      } finally {
        spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> mb.values().size() >= expected);
      return mb.values();
    }
  }

  /** The output values of events from..to-1 joined with accounts of region prefix + (account % 5). */
  private static List<String> joined(long from, long to, String prefix) {
    List<String> values = new ArrayList<>();
    for (long id = from; id < to; id++) {
      values.add("{\"event_id\":" + id + ",\"region\":\"" + prefix + (id % 37 % 5) + "\"}");
    }
    return values;
  }

  private static Map<String, Long> multiset(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
  }

  private void deltaStaticJoinEqualsMicroBatch(boolean broadcast, String joinType, int step) throws Exception {
    String in = topic("delta-join-in", 2);
    String out = topic("delta-join-out", 1);
    String accounts = deltaAccounts(step, "region-");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      List<KafkaTopics.Sent> sent = producer.sendRange(in, 0, 370);
      long expected = joinType.equals("inner")
          ? sent.stream().filter(s -> (s.eventId() % 37) % step == 0).count() : sent.size();
      StreamingQuery q = toKafka(withRegion(in, accounts, broadcast, joinType), out, Sessions.workDir("cp"),
          Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        if (q.exception().isDefined()) {
          throw q.exception().get();
        }
        return collector.values().size() >= expected;
      });
      List<String> microBatch = microBatchValues(withRegion(in, accounts, broadcast, joinType), expected);
      if (!joinType.equals("inner")) {
        assertThat(microBatch).anyMatch(v -> !v.contains("region")).anyMatch(v -> v.contains("region"));
      }
      assertThat(multiset(collector.values())).isEqualTo(multiset(microBatch)).hasSize((int) expected);
    }
  }

  @Test
  void aDeltaTableAsTheBroadcastStaticSideOfAJoinEqualsMicroBatch() throws Exception {
    deltaStaticJoinEqualsMicroBatch(true, "inner", 2);
  }

  /**
   * Broadcasting off: Spark plans a sort merge join over the Delta scan, which real-time mode runs as
   * a shuffled hash join whose static partitions come from a batch shuffle of the Delta table.
   */
  @Test
  void aDeltaTableAsTheShuffledStaticSideOfALeftOuterJoinEqualsMicroBatch() throws Exception {
    String threshold = spark.conf().get("spark.sql.autoBroadcastJoinThreshold");
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      deltaStaticJoinEqualsMicroBatch(false, "left_outer", 3);
    } finally {
      spark.conf().set("spark.sql.autoBroadcastJoinThreshold", threshold);
    }
  }

  /**
   * A new version of the static Delta table while the query runs. Stock micro-batch plans every batch
   * anew and reads the table's latest version in the next batch; the real-time engine reads the
   * static side once per run (the broadcast, or the static shuffle, is computed when the run's
   * long-lived tasks start), so it keeps joining with the version it started with until the query
   * restarts (a restart from the checkpoint, or an automatic recovery), which reads the latest.
   */
  @Test
  void aNewVersionOfTheStaticDeltaTableIsReadWhenTheQueryRestartsNotWhileItRuns() throws Exception {
    String in = topic("delta-join-in", 2);
    String out = topic("delta-join-out", 1);
    String mbOut = topic("delta-join-mb", 1);
    String accounts = deltaAccounts(1, "old-");
    Path checkpoint = Sessions.workDir("cp");
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector realTime = new KafkaTopics.Collector(broker.bootstrapServers(), out);
         KafkaTopics.Collector microBatch = new KafkaTopics.Collector(broker.bootstrapServers(), mbOut)) {
      producer.sendRange(in, 0, 37);
      StreamingQuery rt = toKafka(withRegion(in, accounts, true, "inner"), out, checkpoint,
          Trigger.Continuous("200 milliseconds"));
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
      try {
        toKafka(withRegion(in, accounts, true, "inner"), mbOut, Sessions.workDir("cp-mb"),
            Trigger.ProcessingTime("200 milliseconds"));
      } finally {
        spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> realTime.values().containsAll(joined(0, 37, "old-"))
          && microBatch.values().containsAll(joined(0, 37, "old-")));

      // Version 2 of the table: every account moves to a new region.
      writeAccounts(accounts, 1, "new-");
      assertThat(spark.table(accounts).filter(col("region").startsWith("new-")).count()).isEqualTo(37);
      producer.sendRange(in, 37, 37);
      await().atMost(Duration.ofSeconds(30)).alias("micro-batch: the next batch reads the new version")
          .until(() -> microBatch.values().containsAll(joined(37, 74, "new-")));
      await().atMost(Duration.ofSeconds(30)).alias("real-time: the run keeps the version it started with")
          .until(() -> realTime.values().containsAll(joined(37, 74, "old-")));
      assertThat(realTime.values()).noneMatch(v -> v.contains("new-"));

      rt.stop();
      producer.sendRange(in, 74, 37);
      toKafka(withRegion(in, accounts, true, "inner"), out, checkpoint, Trigger.Continuous("200 milliseconds"));
      await().atMost(Duration.ofSeconds(60)).alias("real-time after a restart: the latest version")
          .until(() -> realTime.values().containsAll(joined(74, 111, "new-")));
      assertThat(realTime.values()).noneMatch(v -> v.contains("old-") && Events.idOf(v) >= 74);
    }
  }
}
