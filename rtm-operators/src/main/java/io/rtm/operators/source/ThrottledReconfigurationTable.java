package io.rtm.operators.source;

import io.rtm.operators.DelegatingTable;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.streaming.ContinuousStream;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The one source table of a single-source real-time query, standing in its plan leaf so that the
 * continuous stream Spark's {@code ContinuousExecution} builds from it is a
 * {@link ThrottledReconfigurationStream}. Table, scan and stream otherwise hand every call to the
 * source's own (checked against Spark 4.2.0's {@code Table}, {@code Scan} and
 * {@code ContinuousStream}). Spark 4.2.0's {@code ContinuousExecution} builds the scan without any
 * push-down, so the builder here only builds the source's scan and wraps it.
 */
public final class ThrottledReconfigurationTable extends DelegatingTable<SupportsRead> implements SupportsRead {
  private final long intervalMs;

  public ThrottledReconfigurationTable(SupportsRead table, long intervalMs) {
    super(table);
    this.intervalMs = intervalMs;
  }

  @Override
  public String id() {
    return table.id();
  }

  @Override
  public String version() {
    return table.version();
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    ScanBuilder builder = table.newScanBuilder(options);
    return () -> new ThrottledScan(builder.build(), intervalMs);
  }

  private record ThrottledScan(Scan scan, long intervalMs) implements Scan {
    @Override
    public StructType readSchema() {
      return scan.readSchema();
    }

    @Override
    public String description() {
      return scan.description();
    }

    @Override
    public ContinuousStream toContinuousStream(String checkpointLocation) {
      return ThrottledReconfigurationStream.wrap(scan.toContinuousStream(checkpointLocation), intervalMs);
    }

    @Override
    public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
      return scan.toMicroBatchStream(checkpointLocation);
    }

    @Override
    public Batch toBatch() {
      return scan.toBatch();
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
      return scan.supportedCustomMetrics();
    }

    @Override
    public CustomTaskMetric[] reportDriverMetrics() {
      return scan.reportDriverMetrics();
    }

    @Override
    public ColumnarSupportMode columnarSupportMode() {
      return scan.columnarSupportMode();
    }
  }
}
