package io.rtm.operators;

import io.rtm.compat.TaskContexts;
import io.rtm.operators.metrics.MicroClock;
import io.rtm.operators.metrics.TaskEpochMetrics;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one source partition continuously and cuts the stream into epochs.
 *
 * <p>A source's {@code next()} blocks until a record exists (Kafka's does), so a reader thread
 * drives it and hands rows to the task thread through a bounded queue; when the queue is full the
 * reader thread waits, which is the source's backpressure. A marker thread polls the driver's
 * current epoch and puts one marker per ended epoch into the same queue, so a marker follows exactly
 * the rows read before it; the offset reported for an epoch is the offset after its last row.
 *
 * <p>Thread ownership: {@code currentOffset}, {@code currentEpoch} and {@code lastEndedEpoch} belong
 * to the task thread; the queue is the only thing the three threads share. Sources that can poll
 * with a timeout skip the reader thread: {@link PollingSourceEpochInput}.
 */
public final class SourceEpochInput implements EpochInput {
  private static final Object EPOCH_MARKER = new Object();

  /** @param originMicros the record's source timestamp, or when it was read (see {@link #timestampColumn}) */
  private record SourceRow(InternalRow row, PartitionOffset offset, long originMicros) {}

  private record ReaderFailure(Throwable cause) {}

  private final int partition;
  private final ContinuousPartitionReader<InternalRow> reader;
  private final EpochCoordination coordinator;
  private final ArrayBlockingQueue<Object> queue;
  private final Thread readerThread;
  private final DriverEpochWatch epochWatch;
  private final TaskEpochMetrics metrics;

  private PartitionOffset currentOffset;
  private long currentEpoch;
  private long lastEndedEpoch;

  public SourceEpochInput(
      int partition,
      ContinuousPartitionReader<InternalRow> reader,
      StructType schema,
      TaskContext context,
      EpochCoordination coordinator,
      long startEpoch,
      int queueSize,
      long epochPollIntervalMs) {
    this.partition = partition;
    this.reader = reader;
    this.coordinator = coordinator;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    this.currentOffset = reader.getOffset();
    this.currentEpoch = startEpoch;
    this.lastEndedEpoch = startEpoch - 1;
    this.metrics = context == null ? new TaskEpochMetrics() : TaskEpochMetrics.of(context.taskAttemptId());

    UnsafeProjection toUnsafe = UnsafeProjection.create(schema);
    int timestampColumn = timestampColumn(schema);
    String name = (context == null ? "" : context.stageId() + "-") + partition;
    this.readerThread = new Thread(() -> readLoop(context, toUnsafe, timestampColumn), "rtm-source-reader-" + name);
    readerThread.setDaemon(true);
    readerThread.start();

    this.epochWatch = new DriverEpochWatch(name, coordinator, startEpoch, epochPollIntervalMs,
        new DriverEpochWatch.Listener() {
          @Override
          public void epochEnded() throws InterruptedException {
            queue.put(EPOCH_MARKER);
          }

          @Override
          public void failed(Throwable cause) {
            queue.offer(new ReaderFailure(cause));
          }
        });
  }

  /** @param context the task's context, installed on this thread for sources that read it; may be null */
  private void readLoop(TaskContext context, UnsafeProjection toUnsafe, int timestampColumn) {
    if (context != null) {
      TaskContexts.install(context);
    }
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (!reader.next()) {
          // Continuous readers block for data; false means the task is being torn down.
          return;
        }
        InternalRow row = toUnsafe.apply(reader.get()).copy();
        long origin = timestampColumn >= 0 && !row.isNullAt(timestampColumn)
            ? row.getLong(timestampColumn) : MicroClock.nowMicros();
        queue.put(new SourceRow(row, reader.getOffset(), origin));
      }
    } catch (InterruptedException e) {
      // close() interrupts this thread: normal shutdown.
    } catch (Throwable t) {
      if (Thread.currentThread().isInterrupted()) {
        return; // torn down while blocked in the source: not a read failure
      }
      try {
        queue.put(new ReaderFailure(t));
      } catch (InterruptedException ignored) {
        // shutting down anyway
      }
    } finally {
      TaskContexts.uninstall();
    }
  }

  /**
   * The source's record timestamp column ({@code timestamp}, Spark's timestamp type: Kafka's record
   * CreateTime or LogAppendTime), the origin latency is measured from; -1 when the source has none,
   * and then rows originate when the engine read them.
   */
  static int timestampColumn(StructType schema) {
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      if (fields[i].name().equals("timestamp") && fields[i].dataType().equals(DataTypes.TimestampType)) {
        return i;
      }
    }
    return -1;
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
        if (ended) {
          return false;
        }
        Object entry;
        try {
          entry = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TaskStoppedException(e);
        }
        if (entry == EPOCH_MARKER) {
          coordinator.reportPartitionOffset(partition, currentEpoch, currentOffset);
          lastEndedEpoch = currentEpoch;
          currentEpoch++;
          ended = true;
          return false;
        }
        if (entry instanceof ReaderFailure failure) {
          throw new IllegalStateException(
              "Reading source partition " + partition + " failed: " + failure.cause(), failure.cause());
        }
        SourceRow row = (SourceRow) entry;
        currentOffset = row.offset();
        metrics.origin(row.originMicros());
        pending = row.row();
        return true;
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

  /** Rows waiting for the task thread right now (a backlog gauge). */
  public int queued() {
    return queue.size();
  }

  @Override
  public void close() {
    epochWatch.close();
    readerThread.interrupt();
    try {
      readerThread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      reader.close();
    } catch (Exception e) {
      // The task is ending; a close failure must not hide the reason it ends.
    }
  }
}
