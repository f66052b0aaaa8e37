package io.rtm.operators.source;

import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/**
 * A source's continuous stream, asked whether it needs reconfiguration at most once per interval
 * ({@link ReconfigurationThrottle}); everything else, offsets included, is the stream's own, so the
 * checkpoint stays the one Spark writes for that source.
 */
public final class ThrottledReconfigurationStream implements ContinuousStream {
  private final ContinuousStream stream;
  private final ReconfigurationThrottle throttle;

  ThrottledReconfigurationStream(ContinuousStream stream, ReconfigurationThrottle throttle) {
    this.stream = stream;
    this.throttle = throttle;
  }

  /** {@code stream} itself when {@code intervalMs} is 0 (ask at every epoch, as Spark does). */
  public static ContinuousStream wrap(ContinuousStream stream, long intervalMs) {
    return intervalMs <= 0 ? stream
        : new ThrottledReconfigurationStream(stream, new ReconfigurationThrottle(intervalMs, System::nanoTime));
  }

  /** The source's own stream. */
  public ContinuousStream stream() {
    return stream;
  }

  @Override
  public boolean needsReconfiguration() {
    return throttle.due() && stream.needsReconfiguration();
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start) {
    return stream.planInputPartitions(start);
  }

  @Override
  public ContinuousPartitionReaderFactory createContinuousReaderFactory() {
    return stream.createContinuousReaderFactory();
  }

  @Override
  public Offset mergeOffsets(PartitionOffset[] offsets) {
    return stream.mergeOffsets(offsets);
  }

  @Override
  public Offset initialOffset() {
    return stream.initialOffset();
  }

  @Override
  public Offset deserializeOffset(String json) {
    return stream.deserializeOffset(json);
  }

  @Override
  public void commit(Offset end) {
    stream.commit(end);
  }

  @Override
  public void stop() {
    stream.stop();
  }

  /** Progress reports and plans describe a source by its stream's text: keep the source's. */
  @Override
  public String toString() {
    return stream.toString();
  }
}
