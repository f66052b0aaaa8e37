package io.rtm.compat;

import io.rtm.operators.TimedPartitionReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.kafka010.KafkaContinuousInputPartition;
import org.apache.spark.sql.kafka010.KafkaContinuousPartitionReader;
import org.apache.spark.sql.kafka010.KafkaRecordToRowConverter;
import org.apache.spark.sql.kafka010.KafkaSourcePartitionOffset;
import org.apache.spark.sql.kafka010.consumer.KafkaDataConsumer;
import org.apache.spark.sql.kafka010.consumer.KafkaDataConsumerIterator;
import scala.Function1;
import scala.Option;

/**
 * Reads one Kafka topic partition of a continuous Kafka source the way Spark's built-in real-time
 * mode does: straight polls of the cached consumer, each returning as soon as records arrive.
 *
 * <p>Why not Kafka's own {@code KafkaContinuousPartitionReader}: every fetch of its
 * {@code KafkaDataConsumer.get} seeks and then looks up the partition's earliest and latest
 * offsets ({@code getAvailableOffsetRange}: two ListOffsets round trips, and the seeks drop the
 * consumer's prefetched records), which put tens of milliseconds into the end-to-end latency of
 * every record at 10,000 records/s. The price of the straight polls: no data-loss check per
 * fetch. When the consumer reports an offset out of range (retention deleted unread records), Kafka's
 * own reader reads the next record, so {@code failOnDataLoss} keeps its meaning.
 *
 * <p>Spark 4.2.0: {@code KafkaDataConsumer} (with {@code acquire}, {@code getIterator},
 * {@code release}), {@code KafkaDataConsumerIterator} and {@code KafkaRecordToRowConverter} are
 * {@code private[kafka010]}/{@code private[sql]}, public in bytecode;
 * {@code KafkaContinuousInputPartition} and {@code KafkaSourcePartitionOffset} are public case
 * classes. Checked against spark-sql-kafka-0-10_2.13 4.2.0.
 */
public final class KafkaPollingReader implements TimedPartitionReader {
  /** The partition class this reader replaces readers for, by name: Kafka may be absent. */
  public static final String PARTITION_CLASS = "org.apache.spark.sql.kafka010.KafkaContinuousInputPartition";

  /** How long one poll blocks without records before the stop checks run again. */
  private static final long POLL_SLICE_MS = 100;

  private final KafkaContinuousInputPartition partition;
  private final Function1<ConsumerRecord<byte[], byte[]>, UnsafeRow> toRow;

  // ---- Owned by the reading thread. ----
  private KafkaDataConsumer consumer;
  private KafkaDataConsumerIterator records;
  private ConsumerRecord<byte[], byte[]> current;
  private long nextOffset;
  /** The record Kafka's own reader read past lost offsets, until the next direct poll. */
  private InternalRow handedOver;

  private KafkaPollingReader(KafkaContinuousInputPartition partition) {
    this.partition = partition;
    this.nextOffset = partition.startOffset();
    this.toRow = new KafkaRecordToRowConverter().toUnsafeRowProjector(partition.includeHeaders());
    this.consumer = KafkaDataConsumer.acquire(partition.topicPartition(), partition.kafkaParams());
    this.records = consumer.getIterator(nextOffset);
  }

  /** True when {@link #open} reads this partition. */
  public static boolean handles(InputPartition partition) {
    return partition.getClass().getName().equals(PARTITION_CLASS);
  }

  public static TimedPartitionReader open(InputPartition partition) {
    return new KafkaPollingReader((KafkaContinuousInputPartition) partition);
  }

  @Override
  public boolean next() {
    while (!stopping()) {
      if (nextWithin(POLL_SLICE_MS)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean nextWithin(long timeoutMs) {
    Option<ConsumerRecord<byte[], byte[]>> record;
    try {
      record = records.nextWithTimeout(timeoutMs);
    } catch (OffsetOutOfRangeException | AssertionError outOfRange) {
      // Spark's iterator reports a start offset out of range as an AssertionError.
      return readPastLostOffsets();
    }
    if (record.isEmpty()) {
      return false;
    }
    current = record.get();
    handedOver = null;
    nextOffset = current.offset() + 1;
    return true;
  }

  /**
   * Kafka's own reader decides what an offset out of range means (fail the task when
   * failOnDataLoss, else skip to the earliest record still there) and reads that one record; the
   * direct polls go on after it.
   */
  private boolean readPastLostOffsets() {
    consumer.release();
    consumer = null;
    KafkaContinuousPartitionReader stock = new KafkaContinuousPartitionReader(partition.topicPartition(), nextOffset,
        partition.kafkaParams(), partition.pollTimeoutMs(), partition.failOnDataLoss(), partition.includeHeaders());
    try {
      if (!stock.next()) {
        return false; // the task is stopping
      }
      handedOver = stock.get().copy();
      nextOffset = ((KafkaSourcePartitionOffset) stock.getOffset()).partitionOffset();
    } finally {
      stock.close();
    }
    consumer = KafkaDataConsumer.acquire(partition.topicPartition(), partition.kafkaParams());
    records = consumer.getIterator(nextOffset);
    return true;
  }

  private static boolean stopping() {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    TaskContext context = TaskContext.get();
    return context != null && (context.isInterrupted() || context.isCompleted());
  }

  @Override
  public InternalRow get() {
    return handedOver != null ? handedOver : toRow.apply(current);
  }

  @Override
  public PartitionOffset getOffset() {
    return new KafkaSourcePartitionOffset(partition.topicPartition(), nextOffset);
  }

  @Override
  public void close() {
    if (consumer != null) {
      consumer.release();
    }
  }
}
