package io.rtm.compat;

import java.util.Set;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * Sink writer factories whose writers may stay open across epochs. The DataWriter contract is one
 * writer per epoch: create, write, commit, close. For a sink whose writer holds nothing per epoch,
 * re-creating it every 100 ms only costs CPU on the task thread at every epoch boundary (Kafka's
 * writer generates its row projection in the constructor: about a fifth of a sink task's CPU at ten
 * epochs per second, measured with JFR on the demo).
 *
 * <p>Checked against Spark 4.2.0: {@code KafkaStreamWriterFactory.createWriter} ignores the epoch;
 * {@code KafkaDataWriter.commit} only flushes the pooled producer and checks the send callbacks'
 * errors, so the writer keeps working after it; {@code close} returns the producer to the pool.
 */
public final class EpochIndependentWriters {
  private static final Set<String> FACTORIES = Set.of("org.apache.spark.sql.kafka010.KafkaStreamWriterFactory");

  private EpochIndependentWriters() {}

  public static boolean reusableAcrossEpochs(StreamingDataWriterFactory factory) {
    return FACTORIES.contains(factory.getClass().getName());
  }
}
