package io.rtm.operators.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.junit.jupiter.api.Test;

class CompositeStreamTest {
  /** A source of n partitions whose offset is the sum of its partitions' positions, as JSON {"sum":s}. */
  static final class CountingStream implements ContinuousStream {
    final int partitions;
    final List<Offset> committed = new ArrayList<>();

    CountingStream(int partitions) {
      this.partitions = partitions;
    }

    record Position(long value) implements PartitionOffset {}

    record Part(int index, long start) implements InputPartition {}

    static Offset sum(long s) {
      return new Offset() {
        @Override
        public String json() {
          return "{\"sum\":" + s + "}";
        }
      };
    }

    @Override
    public InputPartition[] planInputPartitions(Offset start) {
      long from = Long.parseLong(start.json().replaceAll("\\D", ""));
      InputPartition[] out = new InputPartition[partitions];
      for (int i = 0; i < partitions; i++) {
        out[i] = new Part(i, from);
      }
      return out;
    }

    @Override
    public ContinuousPartitionReaderFactory createContinuousReaderFactory() {
      return p -> {
        throw new UnsupportedOperationException("not read in this test");
      };
    }

    @Override
    public Offset mergeOffsets(PartitionOffset[] offsets) {
      long s = 0;
      for (PartitionOffset o : offsets) {
        s += ((Position) o).value();
      }
      return sum(s);
    }

    @Override
    public Offset initialOffset() {
      return sum(0);
    }

    @Override
    public Offset deserializeOffset(String json) {
      return sum(Long.parseLong(json.replaceAll("\\D", "")));
    }

    @Override
    public void commit(Offset end) {
      committed.add(end);
    }

    @Override
    public void stop() {}
  }

  private final CountingStream a = new CountingStream(2);
  private final CountingStream b = new CountingStream(1);
  private final CompositeStream composite = new CompositeStream(List.of(a, b), List.of(List.of(1L, 2L), List.of(7L)));

  @Test
  void partitionsAreTaggedBySubSourceInOrder() {
    InputPartition[] parts = composite.planInputPartitions(composite.deserializeOffset("[{\"sum\":5},{\"sum\":9}]"));
    assertThat(parts).extracting(p -> ((TaggedPartition) p).tag()).containsExactly(0, 0, 1);
    assertThat(((CountingStream.Part) ((TaggedPartition) parts[2]).inner()).start()).isEqualTo(9);
  }

  @Test
  void eachSubSourceMergesOnlyItsOwnReadersOffsets() {
    Offset merged = composite.mergeOffsets(new PartitionOffset[] {
        new TaggedPartitionOffset(1, new CountingStream.Position(40)),
        new TaggedPartitionOffset(0, new CountingStream.Position(3)),
        new TaggedPartitionOffset(0, new CountingStream.Position(4))});
    assertThat(merged.json()).isEqualTo("[{\"sum\":7},{\"sum\":40}]");
    composite.commit(composite.deserializeOffset(merged.json()));
    assertThat(a.committed).extracting(Offset::json).containsExactly("{\"sum\":7}");
    assertThat(b.committed).extracting(Offset::json).containsExactly("{\"sum\":40}");
  }

  @Test
  void aSubSourceWithoutAnyReport() {
    assertThatThrownBy(() -> composite.mergeOffsets(new PartitionOffset[] {
        new TaggedPartitionOffset(0, new CountingStream.Position(3))}))
        .hasMessageContaining("sub-source 1");
  }

  @Test
  void aCheckpointOfAnotherNumberOfSourcesIsRefused() {
    assertThatThrownBy(() -> composite.deserializeOffset("[{\"sum\":5}]"))
        .hasMessageContaining("sources changed");
  }

  @Test
  void leavesAreFoundByTheirOutputIds() {
    assertThat(composite.tagOf(List.of(7L))).isEqualTo(1);
    assertThat(composite.tagOf(List.of(1L, 2L))).isZero();
    assertThat(composite.tagOf(List.of(3L))).isEqualTo(-1);
  }
}
