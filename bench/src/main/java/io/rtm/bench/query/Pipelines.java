package io.rtm.bench.query;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.window;

import io.rtm.bench.spec.Workload;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The benchmark's queries, written as a user writes them: Kafka in, Kafka out, the same code for
 * every trigger. Outputs have a {@code key} and a JSON {@code value}; per-event outputs also pass
 * the input's {@code headers} through so the recorder reads the original send time from {@code
 * send_us}, and every output carries {@code send_ns} (for aggregates: of the newest event counted)
 * as a fallback.
 */
public final class Pipelines {
  public static final StructType EVENT =
      new StructType()
          .add("event_id", DataTypes.LongType)
          .add("account_id", DataTypes.StringType)
          .add("amount", DataTypes.DoubleType)
          .add("merchant", DataTypes.StringType)
          .add("ts", DataTypes.TimestampType)
          .add("send_ns", DataTypes.LongType);

  /** Reducers of the shuffle workload; each is a long-lived task in real-time mode. */
  public static final int SHUFFLE_PARTITIONS = 2;

  private Pipelines() {}

  /** The query of {@code workload} over {@code topic}; {@code ratePerSec} sets the fraud threshold. */
  public static Dataset<Row> build(
      SparkSession spark, Workload workload, String bootstrap, String topic, int ratePerSec) {
    Dataset<Row> events = events(spark, bootstrap, topic);
    return switch (workload) {
      case STATELESS -> perEvent(kept(events));
      case SHUFFLE -> perEvent(kept(events).repartition(SHUFFLE_PARTITIONS, col("account_id")));
      case BROADCAST_JOIN -> joined(kept(events).join(broadcast(accounts(spark)), "account_id"));
      case AGGREGATION -> totalsPerAccount(events);
      // The same plan; the output mode (Triggers.outputMode) makes it emit updates or final windows.
      case FRAUD, FRAUD_FINAL -> fraudAlerts(events, Workload.fraudThreshold(ratePerSec));
    };
  }

  /** Parsed events plus the Kafka headers. */
  public static Dataset<Row> events(SparkSession spark, String bootstrap, String topic) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("includeHeaders", "true")
        .load()
        .select(from_json(col("value").cast("string"), EVENT).as("e"), col("headers"))
        .select("e.*", "headers");
  }

  /** The 10,000-row account table the join workload broadcasts: one row per generated account. */
  public static Dataset<Row> accounts(SparkSession spark) {
    return spark.range(Workload.DIMENSION_ROWS)
        .select(
            concat(lit("acct-"), col("id").cast("string")).as("account_id"),
            col("id").mod(5).as("tier"),
            concat(lit("region-"), col("id").mod(16).cast("string")).as("region"));
  }

  private static Dataset<Row> kept(Dataset<Row> events) {
    return events.filter(col("amount").geq(Workload.MIN_AMOUNT_CENTS / 100.0));
  }

  private static Dataset<Row> perEvent(Dataset<Row> events) {
    return events.select(
        col("account_id").as("key"),
        to_json(struct(eventColumns())).as("value"),
        col("headers"));
  }

  private static Dataset<Row> joined(Dataset<Row> events) {
    Column[] columns = eventColumns();
    Column[] withAccount = java.util.Arrays.copyOf(columns, columns.length + 2);
    withAccount[columns.length] = col("tier");
    withAccount[columns.length + 1] = col("region");
    return events.select(
        col("account_id").as("key"), to_json(struct(withAccount)).as("value"), col("headers"));
  }

  private static Column[] eventColumns() {
    return new Column[] {
      col("event_id"), col("account_id"), col("amount"), upper(col("merchant")).as("merchant"),
      col("ts"), col("send_ns")
    };
  }

  private static Dataset<Row> totalsPerAccount(Dataset<Row> events) {
    return events.groupBy(col("account_id"))
        .agg(count(lit(1)).as("events"), sum(col("amount")).as("total"), max(col("send_ns")).as("send_ns"))
        .select(
            col("account_id").as("key"),
            to_json(struct(col("account_id"), col("events"), col("total"), col("send_ns"))).as("value"));
  }

  private static Dataset<Row> fraudAlerts(Dataset<Row> events, long threshold) {
    return events.withWatermark("ts", "2 seconds")
        .groupBy(window(col("ts"), "1 second"), col("account_id"))
        .agg(count(lit(1)).as("events"), max(col("send_ns")).as("send_ns"))
        .filter(col("events").gt(threshold))
        .select(
            col("account_id").as("key"),
            to_json(struct(
                col("window.start").as("window_start"), col("account_id"), col("events"),
                col("send_ns"))).as("value"));
  }
}
