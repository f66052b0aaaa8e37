package io.rtm.operators;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * Writes a sink stage's rows through the sink's own streaming writer, one writer per epoch, and
 * reports the epoch's commit message to the epoch coordinator once the epoch's barrier passed.
 * Rows reach the sink's writer as they arrive (Kafka's writer sends them at once); only the commit
 * waits for the epoch.
 */
public final class SinkEpochOutput implements EpochOutput {
  private final StreamingDataWriterFactory factory;
  private final EpochCoordination coordinator;
  private final int partition;
  private final long taskAttemptId;
  private DataWriter<InternalRow> writer;

  public SinkEpochOutput(
      StreamingDataWriterFactory factory, EpochCoordination coordinator, int partition, long taskAttemptId) {
    this.factory = factory;
    this.coordinator = coordinator;
    this.partition = partition;
    this.taskAttemptId = taskAttemptId;
  }

  @Override
  public void beginEpoch(long epoch) {
    writer = factory.createWriter(partition, taskAttemptId, epoch);
  }

  @Override
  public void write(InternalRow row) throws Exception {
    writer.write(row);
  }

  @Override
  public void endEpoch(long epoch) throws Exception {
    WriterCommitMessage message = writer.commit();
    writer.close();
    writer = null;
    coordinator.commitPartitionEpoch(partition, epoch, message);
  }

  @Override
  public void abortEpoch() {
    if (writer != null) {
      try {
        writer.abort();
        writer.close();
      } catch (Exception e) {
        // The task is failing already; keep its original cause.
      }
      writer = null;
    }
  }

  @Override
  public void close() {
    abortEpoch();
  }
}
