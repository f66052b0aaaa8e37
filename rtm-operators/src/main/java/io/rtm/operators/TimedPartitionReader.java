package io.rtm.operators;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;

/**
 * A continuous source reader that can wait for its next record with a time limit, so the task
 * thread can read it directly and still end an epoch on time while no record comes.
 */
public interface TimedPartitionReader extends ContinuousPartitionReader<InternalRow> {
  /**
   * Moves to the next record if one arrives within {@code timeoutMs}.
   *
   * @return true when {@link #get()} now returns a new record; false when none came in time
   */
  boolean nextWithin(long timeoutMs);
}
