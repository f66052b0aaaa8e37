package io.rtm.bench.flink;

import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.triggers.CountTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The benchmark's workloads as Flink DataStream jobs, Kafka to Kafka, written as a Flink user
 * writes them. Each one mirrors its Spark query in {@code io.rtm.bench.query.Pipelines}; where
 * the two cannot compute the same thing, docs/benchmarks.md (Flink) says so.
 */
public final class FlinkJobs {
  /** Spark's {@code withWatermark("ts", "2 seconds")}. */
  static final Duration WATERMARK_DELAY = Duration.ofSeconds(2);
  static final Duration FRAUD_WINDOW = Duration.ofSeconds(1);
  static final Duration IDLE_PARTITION = Duration.ofSeconds(1);

  private FlinkJobs() {}

  /** Adds the job of {@code workload} to {@code env}. */
  public static void build(StreamExecutionEnvironment env, Workload workload, String bootstrap,
      String inTopic, String outTopic, int ratePerSec, String runId) {
    DataStream<FlinkEvent> events = events(env, workload, bootstrap, inTopic, runId);
    DataStream<FlinkOutput> out = switch (workload) {
      case STATELESS -> events.filter(EventJson::kept).name("filter")
          .map(new PerEvent()).name("project");
      case SHUFFLE -> events.filter(EventJson::kept).name("filter")
          .keyBy(e -> e.accountId)
          .map(new PerEvent()).name("project");
      case BROADCAST_JOIN -> events.filter(EventJson::kept).name("filter")
          .flatMap(new AccountJoin()).name("join accounts");
      case AGGREGATION -> events.keyBy(e -> e.accountId)
          .process(new RunningTotals()).name("running totals");
      case FRAUD -> fraudWindows(events)
          // Update mode: a window's count after every event, as long as the window is open.
          .trigger(CountTrigger.of(1))
          .aggregate(new WindowCount(), new WindowAlert(Workload.fraudThreshold(ratePerSec)))
          .name("fraud alerts (every update)");
      case FRAUD_FINAL -> fraudWindows(events)
          // Append mode: the event-time trigger fires once, when the watermark passes the window's end.
          .aggregate(new WindowCount(), new WindowAlert(Workload.fraudThreshold(ratePerSec)))
          .name("fraud alerts (final)");
    };
    out.sinkTo(sink(bootstrap, outTopic)).name("kafka sink");
  }

  private static WindowedStream<FlinkEvent, String, TimeWindow> fraudWindows(DataStream<FlinkEvent> events) {
    return events.keyBy(e -> e.accountId).window(TumblingEventTimeWindows.of(FRAUD_WINDOW));
  }

  private static DataStream<FlinkEvent> events(StreamExecutionEnvironment env, Workload workload,
      String bootstrap, String topic, String runId) {
    KafkaSource<FlinkEvent> source = KafkaSource.<FlinkEvent>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId("rtm-bench-flink-" + runId)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new KafkaEventDeserializer())
        .setProperties(properties(consumerSettings()))
        .build();
    WatermarkStrategy<FlinkEvent> watermarks = workload == Workload.FRAUD || workload == Workload.FRAUD_FINAL
        ? WatermarkStrategy.<FlinkEvent>forBoundedOutOfOrderness(WATERMARK_DELAY)
            .withTimestampAssigner((e, recordTs) -> e.tsMillis)
            // Spark's watermark is one for the whole stream; Flink's is the minimum over the
            // partitions, so a partition without events (priming uses one account) would hold
            // every window open. Marking it idle after a second is what Flink's docs advise.
            .withIdleness(IDLE_PARTITION)
        : WatermarkStrategy.noWatermarks();
    return env.fromSource(source, watermarks, "kafka source")
        .map(new CheckpointTimes()).name("checkpoint times");
  }

  private static KafkaSink<FlinkOutput> sink(String bootstrap, String topic) {
    return KafkaSink.<FlinkOutput>builder()
        .setBootstrapServers(bootstrap)
        // Spark's Kafka sink is at-least-once; exactly-once would mean a Kafka transaction per checkpoint.
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new KafkaOutputSerializer(topic))
        .setKafkaProducerConfig(properties(producerSettings()))
        .build();
  }

  /**
   * What the Flink source sets beyond the Kafka consumer's defaults, as the Spark Kafka source
   * runs with the defaults too. No offsets are committed to Kafka (Spark commits none either).
   */
  public static Map<String, String> consumerSettings() {
    return Map.of("commit.offsets.on.checkpoint", "false");
  }

  /** The producer: the clients' defaults but {@code linger.ms=0}, the Spark sink's {@code kafka.linger.ms}. */
  public static Map<String, String> producerSettings() {
    return Map.of("linger.ms", "0");
  }

  private static Properties properties(Map<String, String> settings) {
    Properties p = new Properties();
    p.putAll(settings);
    return p;
  }

  /** The per-event projection, with the {@code send_us} header passed through. */
  static final class PerEvent extends org.apache.flink.api.common.functions.RichMapFunction<FlinkEvent, FlinkOutput> {
    private transient EventJson json;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
      json = new EventJson();
    }

    @Override
    public FlinkOutput map(FlinkEvent e) {
      return new FlinkOutput(e.accountId, json.perEvent(e), e.sendUsHeader);
    }
  }
}
