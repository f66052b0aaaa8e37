package io.rtm.operators;

import io.rtm.operators.metrics.MicroClock;
import io.rtm.operators.metrics.TaskEpochMetrics;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one source partition on the task thread itself and cuts the stream into epochs.
 *
 * <p>Why not {@link SourceEpochInput}'s reader thread: handing every row from a reader thread to
 * the task thread is one more thread wake-up per record, which on a busy machine waits for a core
 * (milliseconds at the tail). A source that can wait with a time limit is read directly: the task
 * polls it for at most the epoch watch's own poll delay, so an ended epoch is noticed about as
 * soon as the driver is asked. The watch is the run's {@link SharedEpochWatch}: one for all of the
 * run's source tasks in this JVM. Backpressure is the task itself: a task that is busy downstream
 * does not poll, and the source's client buffers only what it already fetched.
 *
 * <p>Thread ownership: the reader, {@code currentOffset}, {@code currentEpoch} and
 * {@code lastEndedEpoch} belong to the task thread; the shared watch's thread raises its ended-epoch
 * count and sets its failure, which the task thread reads.
 */
public final class PollingSourceEpochInput implements EpochInput {
  private final int partition;
  private final TimedPartitionReader reader;
  private final EpochCoordination coordinator;
  private final UnsafeProjection toUnsafe;
  private final SharedEpochWatch epochWatch;
  private final TaskEpochMetrics metrics;
  /** The record timestamp column latency is measured from, -1 for none ({@link SourceEpochInput#timestampColumn}). */
  private final int timestampColumn;

  private PartitionOffset currentOffset;
  private long currentEpoch;
  private long lastEndedEpoch;
  private final long startEpoch;

  public PollingSourceEpochInput(
      int partition,
      TimedPartitionReader reader,
      StructType schema,
      TaskContext context,
      EpochCoordination coordinator,
      String queryRunId,
      long startEpoch,
      long epochPollIntervalMs) {
    this.partition = partition;
    this.reader = reader;
    this.coordinator = coordinator;
    this.toUnsafe = UnsafeProjection.create(schema);
    this.metrics = context == null ? new TaskEpochMetrics() : TaskEpochMetrics.of(context.taskAttemptId());
    this.timestampColumn = SourceEpochInput.timestampColumn(schema);
    this.currentOffset = reader.getOffset();
    this.startEpoch = startEpoch;
    this.currentEpoch = startEpoch;
    this.lastEndedEpoch = startEpoch - 1;
    this.epochWatch = SharedEpochWatch.subscribe(queryRunId, coordinator, startEpoch, epochPollIntervalMs);
  }

  @Override
  public Iterator<InternalRow> nextEpoch() {
    return new Iterator<>() {
      private InternalRow pending;
      private boolean ended;

      @Override
      public boolean hasNext() {
        if (pending != null) {
          return true;
        }
        while (!ended) {
          if (currentEpoch < startEpoch + epochWatch.endedEpochs()) {
            coordinator.reportPartitionOffset(partition, currentEpoch, currentOffset);
            lastEndedEpoch = currentEpoch;
            currentEpoch++;
            ended = true;
            return false;
          }
          Throwable failure = epochWatch.failure();
          if (failure != null) {
            throw new IllegalStateException(
                "Following the driver's epochs for source partition " + partition + " failed: " + failure, failure);
          }
          if (read()) {
            return true;
          }
        }
        return false;
      }

      private boolean read() {
        boolean got;
        try {
          got = reader.nextWithin(epochWatch.pollDelayMs());
        } catch (RuntimeException e) {
          if (Thread.currentThread().isInterrupted()) {
            throw new TaskStoppedException(new InterruptedException(e.toString()));
          }
          throw new IllegalStateException("Reading source partition " + partition + " failed: " + e, e);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new TaskStoppedException(new InterruptedException("source partition " + partition));
        }
        if (got) {
          InternalRow row = reader.get();
          // The row is consumed before the next poll, as Spark's own scans hand theirs out.
          pending = row instanceof UnsafeRow ? row : toUnsafe.apply(row);
          currentOffset = reader.getOffset();
          metrics.origin(timestampColumn >= 0 && !pending.isNullAt(timestampColumn)
              ? pending.getLong(timestampColumn) : MicroClock.nowMicros());
        }
        return got;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        InternalRow row = pending;
        pending = null;
        return row;
      }
    };
  }

  @Override
  public long lastEndedEpoch() {
    return lastEndedEpoch;
  }

  @Override
  public void close() {
    epochWatch.close();
    try {
      reader.close();
    } catch (Exception e) {
      // The task is ending; a close failure must not hide the reason it ends.
    }
  }
}
