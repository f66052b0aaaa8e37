package io.rtm.operators.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The one table {@code ContinuousExecution} reads when a real-time query has several streaming
 * sources: it stands at the first source's plan leaf (with that leaf's output), while the other
 * leaves become {@link SubStreamTable}s, which Spark's continuous engine does not treat as sources.
 * Each sub-source is scanned exactly as Spark would scan it alone (its own options and columns).
 */
public final class CompositeTable implements SupportsRead {
  /** One source of the query as its plan leaf had it. */
  public record Sub(Table table, CaseInsensitiveStringMap options, StructType schema, List<Long> outputIds) {}

  private final List<Sub> subs;
  private final long reconfigurationCheckIntervalMs;

  /** @param reconfigurationCheckIntervalMs see {@link ThrottledReconfigurationStream#wrap} */
  public CompositeTable(List<Sub> subs, long reconfigurationCheckIntervalMs) {
    this.subs = List.copyOf(subs);
    this.reconfigurationCheckIntervalMs = reconfigurationCheckIntervalMs;
  }

  @Override
  public String name() {
    return "real-time sources " + subs.stream().map(s -> s.table().name()).toList();
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return subs.get(0).schema();
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.CONTINUOUS_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
    return () -> new Scan() {
      @Override
      public StructType readSchema() {
        return subs.get(0).schema();
      }

      @Override
      public ContinuousStream toContinuousStream(String checkpointLocation) {
        List<ContinuousStream> streams = new ArrayList<>();
        List<List<Long>> ids = new ArrayList<>();
        for (int i = 0; i < subs.size(); i++) {
          Sub sub = subs.get(i);
          ScanBuilder builder = ((SupportsRead) sub.table()).newScanBuilder(sub.options());
          if (builder instanceof SupportsPushDownRequiredColumns pruning) {
            pruning.pruneColumns(sub.schema());
          }
          streams.add(ThrottledReconfigurationStream.wrap(
              builder.build().toContinuousStream(checkpointLocation + "/" + i), reconfigurationCheckIntervalMs));
          ids.add(sub.outputIds());
        }
        return new CompositeStream(streams, ids);
      }

      @Override
      public String description() {
        return name();
      }
    };
  }
}
