package io.rtm.operators.source;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/** Opens a tagged partition with its own sub-source's reader factory; offsets come back tagged. */
public final class CompositeReaderFactory implements ContinuousPartitionReaderFactory {
  private final ContinuousPartitionReaderFactory[] factories;

  CompositeReaderFactory(ContinuousPartitionReaderFactory[] factories) {
    this.factories = factories.clone();
  }

  @Override
  public ContinuousPartitionReader<InternalRow> createReader(InputPartition partition) {
    if (!(partition instanceof TaggedPartition tagged)) {
      throw new IllegalArgumentException("A composite source reads only its own tagged partitions, not " + partition);
    }
    ContinuousPartitionReader<InternalRow> reader = factories[tagged.tag()].createReader(tagged.inner());
    return new ContinuousPartitionReader<>() {
      @Override
      public PartitionOffset getOffset() {
        return new TaggedPartitionOffset(tagged.tag(), reader.getOffset());
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
      public void close() throws java.io.IOException {
        reader.close();
      }
    };
  }
}
