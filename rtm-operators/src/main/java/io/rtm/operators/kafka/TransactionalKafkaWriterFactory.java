package io.rtm.operators.kafka;

import io.rtm.operators.EpochCoordination;
import io.rtm.operators.EpochOutput;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The Kafka sink in exactly-once mode ({@code spark.rtm.kafka.exactlyOnce}): built on the driver
 * around the Kafka sink's own writer factory, opened by each sink task as a
 * {@link TransactionalKafkaEpochOutput}. Transactional ids are {@code rtm-<query id>-<partition>}
 * for a task's first producer and {@code rtm-<query id>-<partition>-s<n>} for the others: stable
 * across runs and restarts of the query, so a new task fences the producers of the task it replaces.
 */
public final class TransactionalKafkaWriterFactory implements StreamingDataWriterFactory {
  private final StreamingDataWriterFactory kafka;
  private final String queryId;
  private final String checkpointRoot;
  private final SerializableConfiguration hadoopConf;

  public TransactionalKafkaWriterFactory(StreamingDataWriterFactory kafka, String queryId, String checkpointRoot,
      SerializableConfiguration hadoopConf) {
    if (!isKafka(kafka)) {
      throw new IllegalArgumentException("not a Kafka sink: " + kafka.getClass().getName());
    }
    this.kafka = kafka;
    this.queryId = queryId;
    this.checkpointRoot = checkpointRoot;
    this.hadoopConf = hadoopConf;
  }

  /**
   * Whether the factory is the Kafka sink's, by name: callers must not load the Kafka sink's
   * classes in applications that run without spark-sql-kafka.
   */
  public static boolean isKafka(StreamingDataWriterFactory factory) {
    return factory.getClass().getName().equals("org.apache.spark.sql.kafka010.KafkaStreamWriterFactory");
  }

  public EpochOutput open(int partition, EpochCoordination coordinator) throws Exception {
    return TransactionalKafkaEpochOutput.open(kafka, "rtm-" + queryId + "-" + partition, checkpointRoot,
        hadoopConf.value(), coordinator, partition);
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    throw new IllegalStateException("the exactly-once Kafka sink is opened by real-time sink tasks only");
  }
}
