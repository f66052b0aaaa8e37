package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rtm.bench.harness.KafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.continuous.ContinuousExecution;
import org.apache.spark.sql.execution.streaming.runtime.MicroBatchExecution;
import org.apache.spark.sql.execution.streaming.runtime.StreamExecution;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark's own real-time trigger, {@code Trigger.RealTime(...)} (new in Spark 4.1, Python
 * {@code realTime=}): with the switch on the query runs on the plugin's engine, stateful queries
 * included, and its result equals stock micro-batch; with the switch off Spark's built-in
 * real-time mode (a MicroBatchExecution) runs it.
 */
class RealTimeTriggerIT {
  private static KafkaBroker broker;
  private static SparkSession spark;
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private final List<StreamingQuery> queries = new ArrayList<>();

  @BeforeAll
  static void start() {
    broker = KafkaBroker.start(Sessions.workDir("kafka"));
    // The UI serves the Structured Streaming tab and Spark's metrics servlet the tests read over HTTP.
    spark = Sessions.realTime("local[8]").config("spark.ui.enabled", "true").config("spark.ui.port", "0")
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
  void stopQueries() throws Exception {
    for (StreamingQuery q : queries) {
      q.stop();
    }
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
  }

  private static String topic(String name, int partitions) {
    String t = name + "-" + TOPICS.incrementAndGet();
    broker.createTopic(t, partitions);
    return t;
  }

  /** The seed's fraud query: count per account per 1-second event-time window, after a filter. */
  private static Dataset<Row> fraud(String in) {
    return Queries.events(spark, broker.bootstrapServers(), in).filter(col("amount").gt(10.0))
        .groupBy(window(col("ts"), "1 second"), col("account_id"))
        .count()
        .select(concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
            to_json(struct(col("window.start").as("start"), col("count"))).as("value"));
  }

  private StreamingQuery start(Dataset<Row> query, String out, Trigger trigger) throws Exception {
    return start(query, out, trigger, Sessions.workDir("cp"));
  }

  private StreamingQuery start(Dataset<Row> query, String out, Trigger trigger, Path checkpoint) throws Exception {
    StreamingQuery q = Queries.toKafka(query, broker.bootstrapServers(), out, checkpoint.toString())
        .outputMode("update").trigger(trigger).start();
    queries.add(q);
    return q;
  }

  private static StreamExecution execution(StreamingQuery q) {
    return ((StreamingQueryWrapper) q).streamingQuery();
  }

  @Test
  void aStatefulQueryWithSparksRealTimeTriggerRunsOnThePluginEngine() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      long kept = producer.sendRange(in, 0, 1200).stream().filter(s -> Queries.kept(s.eventId())).count();
      Path checkpoint = Sessions.workDir("cp");
      StreamingQuery q = start(fraud(in), out, Trigger.RealTime("2 seconds"), checkpoint);

      // The engine Spark chose: continuous, epochs every 2 s (the batch duration), not micro-batch.
      assertThat(execution(q)).isInstanceOf(ContinuousExecution.class);
      assertThat(execution(q).trigger()).isEqualTo(Trigger.Continuous("2 seconds"));
      // Update mode: one updated count per kept event, as it arrives.
      await().atMost(Duration.ofSeconds(90)).until(() -> collector.values().size() >= kept);
      assertThat(q.exception().isEmpty()).isTrue();
      assertThat(execution(q).lastExecution().executedPlan().toString()).startsWith("RealTimeWrite");
      // Epochs keep committing while the tasks keep running (the batch duration is a checkpoint interval).
      await().atMost(Duration.ofSeconds(30)).until(() -> committedEpochs(checkpoint) >= 3);
      assertThat(q.isActive()).isTrue();
    }
    Map<String, String> realTime = lastPerKey(out);
    assertThat(realTime).isEqualTo(microBatch(fraud(in)));
  }

  /** Progress events of one query, as a user's listener receives them. */
  private static final class ProgressListener extends StreamingQueryListener {
    final List<StreamingQueryProgress> events = new CopyOnWriteArrayList<>();
    volatile java.util.UUID queryId;

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      if (event.progress().id().equals(queryId)) {
        events.add(event.progress());
      }
    }

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}

    long inputRows() {
      return events.stream().mapToLong(StreamingQueryProgress::numInputRows).sum();
    }

    long outputRows() {
      return events.stream().mapToLong(p -> Math.max(0, p.sink().numOutputRows())).sum();
    }

    long droppedByWatermark() {
      return events.stream().flatMap(p -> Stream.of(p.stateOperators()))
          .mapToLong(StateOperatorProgress::numRowsDroppedByWatermark).sum();
    }
  }

  private static String http(String path) throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(spark.sparkContext().uiWebUrl().get() + path)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
    return response.body();
  }

  /** A metric of the plugin's source as Spark's metrics servlet (/metrics/json) shows it. */
  private static double pluginMetric(String kind, String name) throws Exception {
    String json = http("/metrics/json/");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"[^\"]*plugin\\.io\\.rtm\\.plugin\\.RealTimeModePlugin\\."
        + name + "\":\\{\"" + kind + "\":([-0-9.E]+)").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyCommittedEpochReachesListenersAndLastProgressWithTheRecordsItRead() throws Exception {
    String in = topic("in", 2);
    String out = topic("out", 1);
    ProgressListener listener = new ProgressListener();
    spark.streams().addListener(listener);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers());
         KafkaTopics.Collector collector = new KafkaTopics.Collector(broker.bootstrapServers(), out)) {
      StreamingQuery q = start(Queries.shuffled(spark, broker.bootstrapServers(), in, 2), out,
          Trigger.Continuous("200 milliseconds"));
      listener.queryId = q.id();
      Map<Long, Long> sentAtMs = new java.util.HashMap<>();
      producer.sendRange(in, 0, 700).forEach(sent -> sentAtMs.put(sent.eventId(), sent.sentAtMs()));
      // Every record read is in exactly one committed epoch's report.
      await().atMost(Duration.ofSeconds(60)).until(() -> listener.inputRows() == 700);
      producer.sendRange(in, 700, 300).forEach(sent -> sentAtMs.put(sent.eventId(), sent.sentAtMs()));
      await().atMost(Duration.ofSeconds(60)).until(() -> listener.inputRows() == 1000);

      List<StreamingQueryProgress> events = List.copyOf(listener.events);
      for (int i = 1; i < events.size(); i++) {
        assertThat(events.get(i).batchId()).as("epochs in order, none skipped").isEqualTo(events.get(i - 1).batchId() + 1);
      }
      StreamingQueryProgress last = events.get(events.size() - 1);
      assertThat(last.sources()).hasSize(1);
      assertThat(last.sources()[0].metrics()).containsEntry("rtm.engine", "real-time")
          .containsEntry("rtm.epoch", Long.toString(last.batchId()))
          // two stages of two tasks each, every one of which sent its figures
          .containsEntry("rtm.tasks.expected", "4").containsEntry("rtm.tasks.reported", "4")
          .containsKeys("rtm.shuffle.backpressureMs", "rtm.shuffle.queuedBuffers", "rtm.source.queuedRows");

      // Records out: the sink tasks' rows add up to what the filter keeps, which the output topic holds.
      long kept = java.util.stream.LongStream.range(0, 1000).filter(Queries::kept).count();
      await().atMost(Duration.ofSeconds(30)).until(() -> listener.outputRows() == kept);
      // Latency inside the engine, from each record's Kafka timestamp to the sink's writer.
      List<StreamingQueryProgress> withLatency = listener.events.stream()
          .filter(p -> Long.parseLong(p.sink().metrics().get("rtm.latency.samples")) > 0).toList();
      assertThat(withLatency.stream().mapToLong(p -> Long.parseLong(p.sink().metrics().get("rtm.latency.samples")))
          .sum()).as("one latency per output row").isEqualTo(kept);
      for (StreamingQueryProgress p : withLatency) {
        double p50 = Double.parseDouble(p.sink().metrics().get("rtm.latency.p50Ms"));
        double p99 = Double.parseDouble(p.sink().metrics().get("rtm.latency.p99Ms"));
        double max = Double.parseDouble(p.sink().metrics().get("rtm.latency.maxMs"));
        assertThat(p50).as("epoch %d", p.batchId()).isGreaterThan(0).isLessThanOrEqualTo(p99);
        assertThat(p99).as("epoch %d", p.batchId()).isLessThanOrEqualTo(max).isLessThan(60_000);
      }
      // Inside the engine a row is measured when the sink's writer takes it, before the broker has it, so
      // no latency the engine reports exceeds what a consumer of the output sees (2 ms: millisecond clocks).
      await().atMost(Duration.ofSeconds(30)).until(() -> collector.received().size() >= kept);
      long outsideMaxMs = collector.received().stream()
          .mapToLong(r -> r.arrivedAtMs() - sentAtMs.get(Events.idOf(r.value()))).max().orElseThrow();
      double engineMaxMs = withLatency.stream()
          .mapToDouble(p -> Double.parseDouble(p.sink().metrics().get("rtm.latency.maxMs"))).max().orElseThrow();
      assertThat(engineMaxMs).isLessThanOrEqualTo(outsideMaxMs + 2.0);
      System.out.printf("latency max: %.3f ms inside the engine, %d ms seen by a consumer of the output%n",
          engineMaxMs, outsideMaxMs);
      // For the log: what the engine measured on this machine.
      withLatency.forEach(p -> System.out.printf("epoch %d: %d rows out, latency p50 %s ms, p99 %s ms, max %s ms%n",
          p.batchId(), p.sink().numOutputRows(), p.sink().metrics().get("rtm.latency.p50Ms"),
          p.sink().metrics().get("rtm.latency.p99Ms"), p.sink().metrics().get("rtm.latency.maxMs")));

      // The same figures in Spark's metrics system (the driver plugin's source, read from the metrics servlet).
      assertThat(pluginMetric("count", "inputRows")).isGreaterThanOrEqualTo(1000);
      double epochs = pluginMetric("count", "epochs");
      await().atMost(Duration.ofSeconds(10)).until(() -> pluginMetric("count", "epochs") > epochs);
      assertThat(pluginMetric("value", "lastEpochId")).isGreaterThanOrEqualTo(last.batchId());
      producer.sendRange(in, 1000, 100);
      await().atMost(Duration.ofSeconds(30)).until(() -> listener.inputRows() == 1100);
      assertThat(pluginMetric("count", "inputRows")).isGreaterThanOrEqualTo(1100);
      assertThat(pluginMetric("value", "latencyMaxMs")).isGreaterThan(0);

      // The Spark UI's Structured Streaming tab lists the query and shows its statistics page.
      assertThat(http("/StreamingQuery/")).contains(q.runId().toString());
      assertThat(http("/StreamingQuery/statistics/?id=" + q.runId())).contains(q.id().toString());
      assertThat(last.runId()).isEqualTo(q.runId());
      await().atMost(Duration.ofSeconds(10)).until(() -> q.lastProgress() != null);
      assertThat(q.recentProgress()).isNotEmpty();
      assertThat(q.lastProgress().batchId()).isGreaterThanOrEqualTo(last.batchId());
    } finally {
      spark.streams().removeListener(listener);
    }
  }

  @Test
  void aWatermarkedAggregationReportsItsWatermarkStateRowsAndLateRows() throws Exception {
    String in = topic("in", 1);
    String out = topic("out", 1);
    ProgressListener listener = new ProgressListener();
    spark.streams().addListener(listener);
    try (KafkaTopics.Producer producer = new KafkaTopics.Producer(broker.bootstrapServers())) {
      Dataset<Row> counts = Queries.events(spark, broker.bootstrapServers(), in).withWatermark("ts", "10 seconds")
          .groupBy(window(col("ts"), "1 second"), col("account_id")).count()
          .select(concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
              col("count").cast("string").as("value"));
      StreamingQuery q = start(counts, out, Trigger.Continuous("200 milliseconds"));
      listener.queryId = q.id();
      // Event times 00:00:00 to 00:00:59, one per record: the watermark ends at 00:00:49.
      producer.sendRange(in, 0, 60);
      await().atMost(Duration.ofSeconds(60)).until(() -> listener.inputRows() == 60
          && "2026-01-01T00:00:49.000Z".equals(last(listener).eventTime().get("watermark")));
      StreamingQueryProgress p = last(listener);
      assertThat(p.stateOperators()).hasSize(1);
      assertThat(p.stateOperators()[0].operatorName()).isEqualTo("stateStoreSave");
      // Windows ending at or below the watermark left the state: those from 00:00:49 on are kept.
      assertThat(p.stateOperators()[0].numRowsTotal()).isEqualTo(11);
      assertThat(p.stateOperators()[0].memoryUsedBytes()).isPositive();
      assertThat(p.stateOperators()[0].numShufflePartitions()).isEqualTo(2);
      assertThat(listener.droppedByWatermark()).isZero();
      // Ids 60..119 repeat event times 0..59: those of closed windows are late and dropped.
      producer.sendRange(in, 60, 60);
      await().atMost(Duration.ofSeconds(60)).until(() -> listener.inputRows() == 120);
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.droppedByWatermark() == 49);
    } finally {
      spark.streams().removeListener(listener);
    }
  }

  private static StreamingQueryProgress last(ProgressListener listener) {
    return listener.events.isEmpty() ? null : listener.events.get(listener.events.size() - 1);
  }

  @Test
  void withTheSwitchOffSparksBuiltInRealTimeModeRunsTheQuery() throws Exception {
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    String in = topic("in", 1);
    StreamingQuery q = start(Queries.events(spark, broker.bootstrapServers(), in)
        .select(col("account_id").as("key"), to_json(struct(col("*"))).as("value")), topic("out", 1),
        Trigger.RealTime("5 seconds"));
    assertThat(execution(q)).isInstanceOf(MicroBatchExecution.class);
  }

  /** Entries of the query's commit log: one per committed epoch. */
  private static long committedEpochs(Path checkpoint) throws IOException {
    Path commits = checkpoint.resolve("commits");
    if (!Files.isDirectory(commits)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(commits)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d+")).count();
    }
  }

  private Map<String, String> microBatch(Dataset<Row> query) throws Exception {
    String out = topic("mb", 1);
    spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "false");
    try {
      start(query, out, Trigger.AvailableNow()).awaitTermination();
    } finally {
      spark.conf().set("spark.sql.streaming.realTimeMode.enabled", "true");
    }
    return lastPerKey(out);
  }

  /** The last value written per key: the current result of every group in update mode. */
  private static Map<String, String> lastPerKey(String topic) {
    Properties p = new Properties();
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
}
