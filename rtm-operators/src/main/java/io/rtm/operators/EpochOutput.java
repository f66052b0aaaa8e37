package io.rtm.operators;

import org.apache.spark.sql.catalyst.InternalRow;

/** Where a stage task's rows go, epoch by epoch. Owned by the task thread. */
public interface EpochOutput extends AutoCloseable {
  void beginEpoch(long epoch) throws Exception;

  void write(InternalRow row) throws Exception;

  /** The task's event-time watermark rose; rows written before it stay before it. */
  default void watermark(long watermarkMs) throws Exception {}

  /** Every row of the epoch was written: pass the barrier on (shuffle) or commit (sink). */
  void endEpoch(long epoch) throws Exception;

  /** The task fails inside an epoch: nothing of it may become visible as committed. */
  void abortEpoch();

  @Override
  void close();
}
