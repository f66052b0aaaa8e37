package io.rtm.it.apps;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.window;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fraud alerts in real-time mode: a Java application to run with spark-submit, the counterpart of
 * {@code python/apps/fraud_alert_app.py}.
 *
 * <p>Counts each account's transactions above 10.0 per one-second event-time window and writes every
 * updated count to Kafka as it changes (output mode "update"), keyed {@code account|window start}.
 * The code is plain Structured Streaming; real-time mode comes from configuration alone:
 *
 * <pre>
 * spark-submit --jars rtm-plugin/target/rtm-plugin-0.1.0-SNAPSHOT.jar,&lt;Kafka connector jars&gt; \
 *   --properties-file spark-conf/local.conf --class io.rtm.it.apps.FraudAlertApp fraud-alert-app.jar \
 *   --bootstrap 127.0.0.1:9092 --input payments --output alerts --checkpoint /tmp/fraud-cp
 * </pre>
 *
 * <p>With {@code --until-caught-up} it stops by itself once every input record present at start has
 * been processed and committed (read from its local checkpoint), or after {@code --max-duration-s}.
 * Exit code 0: the query ran without error (and caught up when asked to).
 */
public final class FraudAlertApp {
  static final StructType EVENT = new StructType()
      .add("event_id", DataTypes.LongType)
      .add("account_id", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType)
      .add("merchant", DataTypes.StringType)
      .add("ts", DataTypes.TimestampType);

  private FraudAlertApp() {}

  static Dataset<Row> events(SparkSession spark, String bootstrap, String topic) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load()
        .select(from_json(col("value").cast("string"), EVENT).as("e"))
        .select("e.*");
  }

  /** The seed fraud query: transactions above 10.0 per account per one-second window. */
  static Dataset<Row> fraudCounts(Dataset<Row> events) {
    return events.filter(col("amount").gt(10.0))
        .groupBy(window(col("ts"), "1 second"), col("account_id"))
        .count();
  }

  static Dataset<Row> asKafkaRecords(Dataset<Row> counts) {
    return counts.select(
        concat_ws("|", col("account_id"), col("window.start").cast("string")).as("key"),
        to_json(struct(col("account_id"), col("window.start").as("window_start"), col("count"))).as("value"));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parse(argv);
    String bootstrap = required(args, "bootstrap");
    String input = required(args, "input");
    String checkpoint = required(args, "checkpoint");
    double maxDurationS = Double.parseDouble(args.getOrDefault("max-duration-s", "60"));
    boolean untilCaughtUp = args.containsKey("until-caught-up");

    SparkSession spark = SparkSession.builder().appName("fraud-alert-app (java)").getOrCreate();
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    Map<String, Long> target = untilCaughtUp ? endOffsets(spark, bootstrap, input) : null;
    StreamingQuery query = asKafkaRecords(fraudCounts(events(spark, bootstrap, input)))
        .writeStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("kafka.linger.ms", "0")
        .option("topic", required(args, "output"))
        .option("checkpointLocation", checkpoint)
        // Real-time mode supports update mode for aggregations: every change leaves at once.
        .outputMode("update")
        .trigger(Trigger.Continuous(args.getOrDefault("trigger", "100 milliseconds")))
        .start();
    long started = System.nanoTime();
    boolean done = false;
    Throwable error;
    try {
      while ((System.nanoTime() - started) / 1e9 < maxDurationS && query.isActive()) {
        if (target != null && caughtUp(committedOffsets(checkpoint, input), target)) {
          done = true;
          break;
        }
        Thread.sleep(200);
      }
    } finally {
      error = query.exception().isDefined() ? query.exception().get() : null;
      query.stop();
      spark.stop();
    }
    if (error != null) {
      System.err.println("fraud-alert-app: query failed: " + error);
      System.exit(1);
    }
    if (target != null && !done) {
      System.err.println("fraud-alert-app: not caught up with " + target + " after " + maxDurationS + " s");
      System.exit(3);
    }
    System.out.printf("fraud-alert-app: done in %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /** The next offset per partition of {@code topic} right now (a small batch read). */
  static Map<String, Long> endOffsets(SparkSession spark, String bootstrap, String topic) {
    List<Row> rows = spark.read().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .load()
        .groupBy("partition").agg(max("offset").as("last"))
        .collectAsList();
    Map<String, Long> next = new HashMap<>();
    for (Row r : rows) {
      next.put(Integer.toString(r.getInt(0)), r.getLong(1) + 1);
    }
    return next;
  }

  private static final Pattern PARTITION_OFFSET = Pattern.compile("\"(\\d+)\":(\\d+)");

  /** The source offsets of the last committed epoch: the offset log entry of the newest commit. */
  static Map<String, Long> committedOffsets(String checkpoint, String topic) {
    Path root = Path.of(checkpoint.startsWith("file:") ? checkpoint.substring("file:".length()) : checkpoint);
    Map<String, Long> offsets = new HashMap<>();
    try (Stream<Path> commits = Files.list(root.resolve("commits"))) {
      long newest = commits.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
          .mapToLong(Long::parseLong).max().orElse(-1);
      if (newest < 0) {
        return offsets;
      }
      for (String line : Files.readAllLines(root.resolve("offsets").resolve(Long.toString(newest)),
          StandardCharsets.UTF_8)) {
        int at = line.indexOf("\"" + topic + "\":{");
        if (at >= 0) {
          String body = line.substring(at + topic.length() + 3, line.indexOf('}', at));
          Matcher m = PARTITION_OFFSET.matcher(body);
          while (m.find()) {
            offsets.put(m.group(1), Long.parseLong(m.group(2)));
          }
        }
      }
    } catch (IOException e) {
      return offsets; // no commit yet
    }
    return offsets;
  }

  static boolean caughtUp(Map<String, Long> committed, Map<String, Long> target) {
    return target.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + argv[i]);
      }
      String name = argv[i].substring(2);
      if (name.equals("until-caught-up")) {
        args.put(name, "true");
      } else {
        args.put(name, argv[++i]);
      }
    }
    return args;
  }

  private static String required(Map<String, String> args, String name) {
    String v = args.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }
}
