package io.rtm.operators.source;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;

/**
 * Several continuous streams presented to Spark's {@code ContinuousExecution} as one. Spark 4.2.0's
 * continuous engine keeps exactly one source (it asserts {@code sources.length == 1} in
 * {@code addOffset} and {@code commit}, starts every scan at {@code offsets(0)}, and its epoch
 * coordinator merges every reader's offset with one stream's {@code mergeOffsets}). Behind this
 * stream the offset log, the commit log, the epoch coordinator and the restart path stay Spark's:
 * an epoch commits when every partition of every sub-source reported it, and a restart hands each
 * sub-source its part of the last committed offset.
 *
 * <p>Partitions are {@link TaggedPartition}s (sub-source index + the sub-source's own partition);
 * readers report {@link TaggedPartitionOffset}s, which go back to their sub-source to merge.
 */
public final class CompositeStream implements ContinuousStream {
  private final List<ContinuousStream> streams;
  private final List<List<Long>> outputIds;

  /** @param outputIds per sub-source, the expression ids of its plan leaf's output */
  CompositeStream(List<ContinuousStream> streams, List<List<Long>> outputIds) {
    this.streams = List.copyOf(streams);
    this.outputIds = List.copyOf(outputIds);
  }

  public int size() {
    return streams.size();
  }

  /** The sub-source whose plan leaf has this output (by expression ids), or -1. */
  public int tagOf(List<Long> leafOutputIds) {
    for (int i = 0; i < outputIds.size(); i++) {
      if (outputIds.get(i).equals(leafOutputIds)) {
        return i;
      }
    }
    return -1;
  }

  /** The sub-source as plans and errors name it. */
  public String describe(int tag) {
    return streams.get(tag) + " (real-time source " + tag + " of " + streams.size() + ")";
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start) {
    CompositeOffset offsets = (CompositeOffset) start;
    List<InputPartition> out = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      for (InputPartition p : streams.get(i).planInputPartitions(offsets.get(i))) {
        out.add(new TaggedPartition(i, p));
      }
    }
    return out.toArray(new InputPartition[0]);
  }

  @Override
  public ContinuousPartitionReaderFactory createContinuousReaderFactory() {
    ContinuousPartitionReaderFactory[] factories = new ContinuousPartitionReaderFactory[streams.size()];
    for (int i = 0; i < factories.length; i++) {
      factories[i] = streams.get(i).createContinuousReaderFactory();
    }
    return new CompositeReaderFactory(factories);
  }

  @Override
  public Offset mergeOffsets(PartitionOffset[] offsets) {
    List<List<PartitionOffset>> byTag = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      byTag.add(new ArrayList<>());
    }
    for (PartitionOffset o : offsets) {
      TaggedPartitionOffset tagged = (TaggedPartitionOffset) o;
      byTag.get(tagged.tag()).add(tagged.inner());
    }
    List<Offset> merged = new ArrayList<>();
    for (int i = 0; i < streams.size(); i++) {
      if (byTag.get(i).isEmpty()) {
        throw new IllegalStateException("No reader of real-time sub-source " + i + " (" + streams.get(i)
            + ") reported an offset, yet the epoch coordinator holds every reader's report");
      }
      merged.add(streams.get(i).mergeOffsets(byTag.get(i).toArray(new PartitionOffset[0])));
    }
    return new CompositeOffset(merged);
  }

  @Override
  public boolean needsReconfiguration() {
    for (ContinuousStream s : streams) {
      if (s.needsReconfiguration()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Offset initialOffset() {
    return new CompositeOffset(streams.stream().map(ContinuousStream::initialOffset).toList());
  }

  @Override
  public Offset deserializeOffset(String json) {
    List<String> parts = CompositeOffset.parts(json, streams.size());
    List<Offset> offsets = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      offsets.add(streams.get(i).deserializeOffset(parts.get(i)));
    }
    return new CompositeOffset(offsets);
  }

  @Override
  public void commit(Offset end) {
    CompositeOffset offsets = (CompositeOffset) end;
    for (int i = 0; i < streams.size(); i++) {
      streams.get(i).commit(offsets.get(i));
    }
  }

  @Override
  public void stop() {
    RuntimeException first = null;
    for (ContinuousStream s : streams) {
      try {
        s.stop();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return streams.stream().map(Object::toString).collect(Collectors.joining(", ", "RealTimeSources[", "]"));
  }
}
