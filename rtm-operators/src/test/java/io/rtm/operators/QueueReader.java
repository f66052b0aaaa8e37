package io.rtm.operators;

import java.util.concurrent.LinkedBlockingQueue;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/** A continuous reader double that blocks (or waits with a limit) for data like Kafka's: the test feeds it ints. */
final class QueueReader implements TimedPartitionReader {
  record Position(long next) implements PartitionOffset {}

  final LinkedBlockingQueue<Integer> feed = new LinkedBlockingQueue<>();
  private int current;
  private long position;
  volatile boolean closed;
  /** Thrown by the next timed read, as a broken source client would. */
  volatile RuntimeException failure;

  QueueReader(long startPosition) {
    this.position = startPosition;
  }

  @Override
  public boolean next() {
    try {
      current = feed.take();
      position++;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public boolean nextWithin(long timeoutMs) {
    if (failure != null) {
      throw failure;
    }
    try {
      Integer next = feed.poll(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (next == null) {
        return false;
      }
      current = next;
      position++;
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public InternalRow get() {
    return new GenericInternalRow(new Object[] {current});
  }

  @Override
  public PartitionOffset getOffset() {
    return new Position(position);
  }

  @Override
  public void close() {
    closed = true;
  }
}
