package io.rtm.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.junit.jupiter.api.Test;

class PipelinedSinkEpochOutputTest {
  /** What each commit saw: the rows written before it began and the thread it ran on. */
  record Seen(int rowsWritten, String thread) implements WriterCommitMessage {}

  /** A writer whose commit can be held, like a flush waiting for a slow broker. */
  static final class HeldWriter implements DataWriter<InternalRow> {
    final AtomicInteger rows = new AtomicInteger();
    final List<Seen> commits = new CopyOnWriteArrayList<>();
    volatile CountDownLatch release = new CountDownLatch(0);
    volatile RuntimeException commitFailure;
    volatile boolean closed;

    @Override
    public void write(InternalRow row) {
      rows.incrementAndGet();
    }

    @Override
    public WriterCommitMessage commit() {
      Seen seen = new Seen(rows.get(), Thread.currentThread().getName());
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (commitFailure != null) {
        throw commitFailure;
      }
      commits.add(seen);
      return seen;
    }

    @Override
    public void abort() {}

    @Override
    public void close() {
      closed = true;
    }
  }

  static final class CountingFactory implements StreamingDataWriterFactory {
    final HeldWriter writer = new HeldWriter();
    final AtomicInteger created = new AtomicInteger();

    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
      created.incrementAndGet();
      return writer;
    }
  }

  private static final InternalRow ROW = new GenericInternalRow(new Object[] {1L});

  @Test
  void oneWriterForTheTaskAndCommitsInEpochOrderOffTheTaskThread() throws Exception {
    CountingFactory factory = new CountingFactory();
    RecordingCoordinator coordinator = new RecordingCoordinator(5);
    try (PipelinedSinkEpochOutput out = new PipelinedSinkEpochOutput(factory, coordinator, 3, 77)) {
      for (long epoch = 5; epoch < 8; epoch++) {
        out.beginEpoch(epoch);
        out.write(ROW);
        out.write(ROW);
        out.endEpoch(epoch);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.commits.size() == 3);
    }
    assertThat(factory.created).hasValue(1);
    assertThat(coordinator.commits).extracting(RecordingCoordinator.Commit::epoch).containsExactly(5L, 6L, 7L);
    assertThat(coordinator.commits).extracting(RecordingCoordinator.Commit::partition).containsOnly(3);
    assertThat(factory.writer.commits).extracting(Seen::thread).allMatch(t -> t.startsWith("rtm-sink-committer-"));
    // each commit covers at least every row of its own epoch (and may cover later ones)
    List<Integer> covered = factory.writer.commits.stream().map(Seen::rowsWritten).toList();
    for (int i = 0; i < covered.size(); i++) {
      assertThat(covered.get(i)).isGreaterThanOrEqualTo(2 * (i + 1));
    }
    assertThat(covered).isSorted();
    assertThat(factory.writer.closed).isTrue();
  }

  @Test
  void theTaskKeepsWritingWhileACommitWaitsForTheBroker() throws Exception {
    CountingFactory factory = new CountingFactory();
    factory.writer.release = new CountDownLatch(1);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    try (PipelinedSinkEpochOutput out = new PipelinedSinkEpochOutput(factory, coordinator, 0, 1)) {
      out.beginEpoch(0);
      out.write(ROW);
      out.endEpoch(0);
      out.beginEpoch(1);
      for (int i = 0; i < 100; i++) {
        out.write(ROW);
      }
      assertThat(factory.writer.rows).hasValue(101);
      assertThat(coordinator.commits).isEmpty();
      factory.writer.release.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.commits.size() == 1);
    }
  }

  @Test
  void pendingCommitsAreBoundedAndTheTaskWaitsBeyondTheBound() throws Exception {
    CountingFactory factory = new CountingFactory();
    factory.writer.release = new CountDownLatch(1);
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    try (PipelinedSinkEpochOutput out = new PipelinedSinkEpochOutput(factory, coordinator, 0, 1)) {
      out.beginEpoch(0);
      for (long e = 0; e < PipelinedSinkEpochOutput.MAX_PENDING_COMMITS; e++) {
        out.endEpoch(e);
      }
      Thread blocked = new Thread(() -> {
        try {
          out.endEpoch(PipelinedSinkEpochOutput.MAX_PENDING_COMMITS);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      });
      blocked.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> blocked.getState() == Thread.State.WAITING);
      factory.writer.release.countDown();
      blocked.join(10_000);
      assertThat(blocked.isAlive()).isFalse();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> coordinator.commits.size() == PipelinedSinkEpochOutput.MAX_PENDING_COMMITS + 1);
    }
  }

  @Test
  void aFailedCommitFailsTheTaskAndNothingLaterIsCommitted() throws Exception {
    CountingFactory factory = new CountingFactory();
    factory.writer.commitFailure = new IllegalStateException("broker refused the records");
    RecordingCoordinator coordinator = new RecordingCoordinator(0);
    try (PipelinedSinkEpochOutput out = new PipelinedSinkEpochOutput(factory, coordinator, 0, 1)) {
      out.beginEpoch(0);
      out.write(ROW);
      out.endEpoch(0);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThatThrownBy(() -> out.beginEpoch(1)).hasMessageContaining("broker refused the records"));
      assertThat(coordinator.commits).isEmpty();
    }
  }
}
