package io.rtm.operators;

import io.rtm.operators.metrics.TaskEpochMetrics;
import io.rtm.shuffle.EpochBarrier;
import io.rtm.shuffle.ResultPartition;
import io.rtm.shuffle.WatermarkAdvance;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.Platform;

/**
 * Sends a producer stage's rows to the reducer Spark's partitioning picks for them, as UnsafeRow
 * bytes; at the end of an epoch sends the epoch's barrier after them on every channel. Each record
 * carries the origin time of the row it came from (8 bytes after the row, see
 * {@link TaskEpochMetrics}), so the sink stage can measure end-to-end latency across shuffles.
 */
public final class ShuffleEpochOutput implements EpochOutput {
  private final ResultPartition partition;
  private final RowPartitioner partitioner;
  private final UnsafeProjection toUnsafe;
  private final TaskEpochMetrics metrics;
  private byte[] scratch = new byte[256];

  public ShuffleEpochOutput(ResultPartition partition, RowPartitioner partitioner, UnsafeProjection toUnsafe,
      TaskEpochMetrics metrics) {
    this.partition = partition;
    this.partitioner = partitioner;
    this.toUnsafe = toUnsafe;
    this.metrics = metrics;
  }

  @Override
  public void beginEpoch(long epoch) {}

  @Override
  public void write(InternalRow row) throws InterruptedException {
    UnsafeRow unsafe = row instanceof UnsafeRow u ? u : toUnsafe.apply(row);
    int target = partitioner.partitionOf(unsafe);
    int size = unsafe.getSizeInBytes();
    if (unsafe.getBaseObject() instanceof byte[] bytes) {
      partition.emitRecord(target, bytes, (int) (unsafe.getBaseOffset() - Platform.BYTE_ARRAY_OFFSET), size,
          metrics.origin());
    } else {
      if (scratch.length < size) {
        scratch = new byte[Math.max(size, scratch.length * 2)];
      }
      unsafe.writeToMemory(scratch, Platform.BYTE_ARRAY_OFFSET);
      partition.emitRecord(target, scratch, 0, size, metrics.origin());
    }
  }

  @Override
  public void watermark(long watermarkMs) throws InterruptedException {
    partition.broadcastEvent(new WatermarkAdvance(watermarkMs));
  }

  @Override
  public void endEpoch(long epoch) throws InterruptedException {
    partition.broadcastEvent(new EpochBarrier(epoch));
  }

  @Override
  public void abortEpoch() {}

  public ResultPartition partition() {
    return partition;
  }

  @Override
  public void close() {
    partition.close();
  }
}
