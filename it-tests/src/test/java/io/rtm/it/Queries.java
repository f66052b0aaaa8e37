package io.rtm.it;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.upper;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The queries under test, written as a user would write them. */
final class Queries {
  static final StructType EVENT = new StructType()
      .add("event_id", DataTypes.LongType)
      .add("account_id", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType)
      .add("merchant", DataTypes.StringType)
      .add("ts", DataTypes.TimestampType);

  private Queries() {}

  static Dataset<Row> events(SparkSession spark, String bootstrap, String topic) {
    return spark.readStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load()
        .select(from_json(col("value").cast("string"), EVENT).as("e"))
        .select("e.*");
  }

  /** Kafka in, filter, hash shuffle by account, projection with a function, Kafka out. */
  static Dataset<Row> shuffled(SparkSession spark, String bootstrap, String topic, int shufflePartitions) {
    return events(spark, bootstrap, topic)
        .filter(col("amount").gt(10.0))
        .repartition(shufflePartitions, col("account_id"))
        .select(col("account_id").as("key"),
            to_json(struct(col("event_id"), col("account_id"), col("amount"),
                upper(col("merchant")).as("merchant"))).as("value"));
  }

  static DataStreamWriter<Row> toKafka(Dataset<Row> df, String bootstrap, String topic, String checkpoint) {
    return df.writeStream().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("kafka.linger.ms", "0")
        .option("topic", topic)
        .option("checkpointLocation", checkpoint);
  }

  /** Events the filter keeps, to know how many outputs to expect. */
  static boolean kept(long id) {
    return Events.amount(id) > 10.0;
  }
}
