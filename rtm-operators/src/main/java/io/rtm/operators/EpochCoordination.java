package io.rtm.operators;

import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a stage task says to, and asks of, the query's epoch coordinator. The production
 * implementation is {@code io.rtm.compat.EpochCoordinatorClient}; tests use hand-written doubles.
 */
public interface EpochCoordination {
  /** The driver's current epoch: every epoch below it has ended. */
  long currentEpoch();

  void reportPartitionOffset(int partition, long epoch, PartitionOffset offset);

  void commitPartitionEpoch(int partition, long epoch, WriterCommitMessage message);
}
