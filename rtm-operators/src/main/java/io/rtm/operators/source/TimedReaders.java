package io.rtm.operators.source;

import io.rtm.compat.KafkaPollingReader;
import io.rtm.operators.TimedPartitionReader;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/**
 * Opens the source partitions a task can read on its own thread (Kafka's, also inside a composite
 * source of several streams), or says it cannot.
 */
public final class TimedReaders {
  private TimedReaders() {}

  /** A timed reader for the partition, or null when only its source's own blocking reader can read it. */
  public static TimedPartitionReader openOrNull(InputPartition partition) {
    if (partition instanceof TaggedPartition tagged) {
      TimedPartitionReader inner = openOrNull(tagged.inner());
      return inner == null ? null : new Tagged(tagged.tag(), inner);
    }
    return KafkaPollingReader.handles(partition) ? KafkaPollingReader.open(partition) : null;
  }

  /** A sub-source's reader inside a composite source: its offsets carry the sub-source's tag. */
  private record Tagged(int tag, TimedPartitionReader reader) implements TimedPartitionReader {
    @Override
    public boolean nextWithin(long timeoutMs) {
      return reader.nextWithin(timeoutMs);
    }

    @Override
    public boolean next() throws java.io.IOException {
      return reader.next();
    }

    @Override
    public InternalRow get() {
      return reader.get();
    }

    @Override
    public PartitionOffset getOffset() {
      return new TaggedPartitionOffset(tag, reader.getOffset());
    }

    @Override
    public void close() throws java.io.IOException {
      reader.close();
    }
  }
}
