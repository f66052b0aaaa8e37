package io.rtm.operators;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/** A coordinator double: the test moves the epoch; every report and commit is recorded. */
final class RecordingCoordinator implements EpochCoordination {
  record OffsetReport(int partition, long epoch, PartitionOffset offset) {}

  record Commit(int partition, long epoch, WriterCommitMessage message) {}

  final AtomicLong epoch = new AtomicLong();
  final List<OffsetReport> offsets = new CopyOnWriteArrayList<>();
  final List<Commit> commits = new CopyOnWriteArrayList<>();

  RecordingCoordinator(long startEpoch) {
    epoch.set(startEpoch);
  }

  @Override
  public long currentEpoch() {
    return epoch.get();
  }

  @Override
  public void reportPartitionOffset(int partition, long e, PartitionOffset offset) {
    offsets.add(new OffsetReport(partition, e, offset));
  }

  @Override
  public void commitPartitionEpoch(int partition, long e, WriterCommitMessage message) {
    commits.add(new Commit(partition, e, message));
  }
}
