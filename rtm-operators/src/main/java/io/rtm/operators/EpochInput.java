package io.rtm.operators;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The input of one long-lived stage task, read one epoch at a time.
 *
 * <p>Owned by the task thread. {@link #nextEpoch()} returns an iterator that yields the rows of the
 * current epoch as they arrive and ends when the epoch ends (a source's epoch marker, or a barrier
 * aligned across every shuffle channel); the stage runs its operators over that iterator, then asks
 * for the next epoch. The task itself never ends at an epoch boundary.
 */
public interface EpochInput extends AutoCloseable {
  java.util.Iterator<InternalRow> nextEpoch() throws InterruptedException;

  /** The epoch the last exhausted iterator belonged to. */
  long lastEndedEpoch();

  @Override
  void close();
}
