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
 *
 * <p>It also remembers the last few offsets it merged: Spark 4.2.0's {@code ContinuousExecution.commit}
 * reads each epoch's offset back from the JSON that {@code addOffset} just wrote from the merged
 * offset, and Kafka's {@code deserializeOffset} parses it and serializes it again (a quarter of
 * the epoch coordinator's CPU at ten epochs a second). Offsets are immutable values, so the merged
 * one is what parsing its JSON would give. Called on the coordinator's RPC thread; synchronized
 * all the same, as the contract does not promise one thread.
 */
public final class ThrottledReconfigurationStream implements ContinuousStream {
  private static final int MERGED_KEPT = 4;

  private final ContinuousStream stream;
  private final ReconfigurationThrottle throttle;
  private final java.util.LinkedHashMap<String, Offset> merged = new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(java.util.Map.Entry<String, Offset> eldest) {
      return size() > MERGED_KEPT;
    }
  };

  ThrottledReconfigurationStream(ContinuousStream stream, ReconfigurationThrottle throttle) {
    this.stream = stream;
    this.throttle = throttle;
  }

  /** {@code stream} itself when {@code intervalMs} is 0 (ask at every epoch, as Spark does). */
  public static ContinuousStream wrap(ContinuousStream stream, long intervalMs) {
    return intervalMs <= 0 ? stream
        : new ThrottledReconfigurationStream(stream, new ReconfigurationThrottle(intervalMs, System::nanoTime));
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
    Offset offset = stream.mergeOffsets(offsets);
    synchronized (merged) {
      merged.put(offset.json(), offset);
    }
    return offset;
  }

  @Override
  public Offset initialOffset() {
    return stream.initialOffset();
  }

  @Override
  public Offset deserializeOffset(String json) {
    synchronized (merged) {
      Offset known = merged.get(json);
      if (known != null) {
        return known;
      }
    }
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
