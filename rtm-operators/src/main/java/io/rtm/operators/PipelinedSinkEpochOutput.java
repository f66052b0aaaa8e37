package io.rtm.operators;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * A sink output for writers that stay valid across epochs ({@code io.rtm.compat.EpochIndependentWriters}):
 * one writer for the task's life, and each epoch's commit (for Kafka: a flush that waits for the
 * broker's acknowledgements) runs on a committer thread while the task thread goes on writing the
 * next epoch's rows. A synchronous commit would stop the sink task for a broker round trip at
 * every barrier, which is exactly the latency spike at epoch boundaries this engine must not have.
 *
 * <p>Correctness: every row of epoch n was handed to the writer before its commit is queued, and a
 * flush waits for everything sent before it began, so the commit message of epoch n still covers
 * all of n (and possibly some of n+1, which only makes the at-least-once replay smaller). Commits
 * run one at a time, in epoch order. A failed commit fails the task at its next call.
 *
 * <p>Threads: {@code writer} is written to by the task thread and committed by the committer thread
 * (Kafka's writer keeps only a volatile error and a producer set once on the first row).
 * At most {@link #MAX_PENDING_COMMITS} commits wait; the task thread blocks beyond that, which is
 * the backpressure path when the sink is slower than the epochs.
 */
public final class PipelinedSinkEpochOutput implements EpochOutput {
  static final int MAX_PENDING_COMMITS = 4;

  private final StreamingDataWriterFactory factory;
  private final EpochCoordination coordinator;
  private final int partition;
  private final long taskAttemptId;
  private final ExecutorService committer;
  private final Semaphore pending = new Semaphore(MAX_PENDING_COMMITS);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private DataWriter<InternalRow> writer;

  public PipelinedSinkEpochOutput(
      StreamingDataWriterFactory factory, EpochCoordination coordinator, int partition, long taskAttemptId) {
    this.factory = factory;
    this.coordinator = coordinator;
    this.partition = partition;
    this.taskAttemptId = taskAttemptId;
    this.committer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "rtm-sink-committer-" + partition);
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void beginEpoch(long epoch) {
    throwIfFailed();
    if (writer == null) {
      writer = factory.createWriter(partition, taskAttemptId, epoch);
    }
  }

  @Override
  public void write(InternalRow row) throws Exception {
    writer.write(row);
  }

  @Override
  public void endEpoch(long epoch) throws InterruptedException {
    throwIfFailed();
    pending.acquire();
    DataWriter<InternalRow> current = writer;
    committer.execute(() -> {
      try {
        if (failure.get() == null) {
          WriterCommitMessage message = current.commit();
          coordinator.commitPartitionEpoch(partition, epoch, message);
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        pending.release();
      }
    });
  }

  private void throwIfFailed() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("Committing an epoch of sink partition " + partition + " failed: " + t, t);
    }
  }

  @Override
  public void abortEpoch() {
    committer.shutdownNow();
    if (writer != null) {
      try {
        writer.abort();
      } catch (Exception e) {
        // The task is failing already; keep its original cause.
      }
    }
  }

  @Override
  public void close() {
    committer.shutdownNow();
    try {
      committer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer != null) {
      try {
        writer.close();
      } catch (Exception e) {
        // closing at task end; an uncommitted epoch is replayed from its offsets
      }
      writer = null;
    }
  }
}
