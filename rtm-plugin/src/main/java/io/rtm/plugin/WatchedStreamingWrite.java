package io.rtm.plugin;

import io.rtm.plugin.errors.RealTimeModeException;
import io.rtm.plugin.errors.RtmErrors;
import java.util.function.Consumer;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's streaming write with its epoch commit watched: a commit that throws is turned into the
 * engine's error (a changed table schema named column by column) and handed to the run that watches
 * it, which stops at once instead of waiting for an epoch that cannot commit. The exception is
 * still thrown to the coordinator so that the epoch is not written to the commit log.
 */
final class WatchedStreamingWrite implements StreamingWrite {
  private static final Logger LOG = LoggerFactory.getLogger(WatchedStreamingWrite.class);
  private final StreamingWrite write;
  private final String table;
  private final StructType startSchema;
  private final Supplier<StructType> currentSchema;
  private final Supplier<OptionalLong> lastEpochInSink;
  private volatile Consumer<RealTimeModeException> watcher = e -> { };

  /**
   * @param lastEpochInSink the last epoch the sink itself made durable (a Delta table's txn version
   *     of the query), read at the start of every run; null when the sink cannot tell
   */
  WatchedStreamingWrite(StreamingWrite write, String table, StructType startSchema,
      Supplier<StructType> currentSchema, Supplier<OptionalLong> lastEpochInSink) {
    this.write = write;
    this.table = table;
    this.startSchema = startSchema;
    this.currentSchema = currentSchema;
    this.lastEpochInSink = lastEpochInSink;
  }

  /**
   * The last epoch the sink holds by its own record, empty when unknown. An epoch the sink holds
   * but the commit log lacks was committed to the sink just before the driver died.
   */
  OptionalLong lastEpochInSink() {
    return lastEpochInSink == null ? OptionalLong.empty() : lastEpochInSink.get();
  }

  /** The sink this write goes to, for log lines. */
  String table() {
    return table;
  }

  /** The run now running gets the next commit failure (ContinuousExecution keeps one write for every run). */
  void watch(Consumer<RealTimeModeException> onCommitFailure) {
    this.watcher = onCommitFailure;
  }

  void unwatch() {
    this.watcher = e -> { };
  }

  /** The user's sink's write that this one watches. */
  StreamingWrite delegate() {
    return write;
  }

  @Override
  public void commit(long epoch, WriterCommitMessage[] messages) {
    try {
      write.commit(epoch, messages);
    } catch (RuntimeException e) {
      RealTimeModeException error = describe(epoch, e);
      LOG.error("Epoch {} was not committed to {}: {}", epoch, table, error.getMessage());
      watcher.accept(error);
      throw error;
    }
  }

  private RealTimeModeException describe(long epoch, RuntimeException e) {
    StructType now = null;
    try {
      now = currentSchema == null ? null : currentSchema.get();
    } catch (RuntimeException unreadable) {
      LOG.warn("Cannot read the schema of {} after its failed commit: {}", table, unreadable.toString());
    }
    String changes = now == null ? "" : SchemaChanges.describe(startSchema, now);
    if (!changes.isEmpty()) {
      return RtmErrors.sinkSchemaChanged(table, changes, epoch, e);
    }
    return RtmErrors.sinkCommitFailed(table, epoch, e);
  }

  @Override
  public StreamingDataWriterFactory createStreamingWriterFactory(PhysicalWriteInfo info) {
    return write.createStreamingWriterFactory(info);
  }

  @Override
  public boolean useCommitCoordinator() {
    return write.useCommitCoordinator();
  }

  @Override
  public void abort(long epoch, WriterCommitMessage[] messages) {
    write.abort(epoch, messages);
  }

  /**
   * The sink's {@link Write} with its streaming write watched. Its distribution and ordering are the
   * wrapped write's: {@code ContinuousExecution} refuses a write that requires either, and must
   * still do so.
   */
  static final class Wrapped implements Write, RequiresDistributionAndOrdering {
    private final Write write;
    private final String table;
    private final StructType startSchema;
    private final Supplier<StructType> currentSchema;
    private final Supplier<OptionalLong> lastEpochInSink;

    Wrapped(Write write, String table, StructType startSchema, Supplier<StructType> currentSchema,
        Supplier<OptionalLong> lastEpochInSink) {
      this.write = write;
      this.table = table;
      this.startSchema = startSchema;
      this.currentSchema = currentSchema;
      this.lastEpochInSink = lastEpochInSink;
    }

    @Override
    public StreamingWrite toStreaming() {
      return new WatchedStreamingWrite(write.toStreaming(), table, startSchema, currentSchema, lastEpochInSink);
    }

    @Override
    public BatchWrite toBatch() {
      return write.toBatch();
    }

    @Override
    public String description() {
      return write.description();
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
      return write.supportedCustomMetrics();
    }

    @Override
    public CustomTaskMetric[] reportDriverMetrics() {
      return write.reportDriverMetrics();
    }

    @Override
    public Distribution requiredDistribution() {
      return write instanceof RequiresDistributionAndOrdering r ? r.requiredDistribution()
          : Distributions.unspecified();
    }

    @Override
    public boolean distributionStrictlyRequired() {
      return !(write instanceof RequiresDistributionAndOrdering r) || r.distributionStrictlyRequired();
    }

    @Override
    public int requiredNumPartitions() {
      return write instanceof RequiresDistributionAndOrdering r ? r.requiredNumPartitions() : 0;
    }

    @Override
    public long advisoryPartitionSizeInBytes() {
      return write instanceof RequiresDistributionAndOrdering r ? r.advisoryPartitionSizeInBytes() : 0;
    }

    @Override
    public SortOrder[] requiredOrdering() {
      return write instanceof RequiresDistributionAndOrdering r ? r.requiredOrdering() : new SortOrder[0];
    }
  }
}
