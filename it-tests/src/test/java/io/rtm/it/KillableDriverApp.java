package io.rtm.it;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A driver in its own JVM for {@link DriverKillIT}: the shuffled Kafka query of {@link Queries}
 * on local[4], until the process is killed. Args: bootstrap, input topic, output topic, checkpoint,
 * exactly-once (true/false).
 */
public final class KillableDriverApp {
  private KillableDriverApp() {}

  public static void main(String[] args) throws Exception {
    SparkSession spark = Sessions.realTime("local[4]")
        .config("spark.rtm.kafka.exactlyOnce", args[4])
        .getOrCreate();
    StreamingQuery query = Queries.toKafka(Queries.shuffled(spark, args[0], args[1], 2), args[0], args[2], args[3])
        .trigger(Trigger.Continuous("200 milliseconds"))
        .start();
    query.awaitTermination();
  }
}
