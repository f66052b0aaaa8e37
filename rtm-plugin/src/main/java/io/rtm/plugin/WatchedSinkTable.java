package io.rtm.plugin;

import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * A sink table whose streaming write reports a failed epoch commit to the real-time run
 * ({@link WatchedStreamingWrite}). Spark 4.2.0's epoch coordinator calls
 * {@code StreamingWrite.commit} inside its RPC endpoint, whose inbox logs and drops the exception:
 * the epoch then never commits, every later epoch waits behind it, and the query hangs until the
 * epoch clock watch gives up. Everything but the write builder is the wrapped table's.
 */
final class WatchedSinkTable extends DelegatingSinkTable {
  private final Supplier<StructType> currentSchema;
  private final boolean writesEveryColumn;
  private final Function<String, OptionalLong> lastEpochInSink;

  /**
   * @param currentSchema the table's schema as it is now (read again when a commit fails, to name
   *     what another writer changed); null when it cannot be read
   * @param writesEveryColumn the table's writer needs a value for every column of the table
   * @param lastEpochInSink the last epoch the table holds for a query id, by its own record; null
   *     when the table cannot tell
   */
  WatchedSinkTable(SupportsWrite table, Supplier<StructType> currentSchema, boolean writesEveryColumn,
      Function<String, OptionalLong> lastEpochInSink) {
    super(table);
    this.currentSchema = currentSchema;
    this.writesEveryColumn = writesEveryColumn;
    this.lastEpochInSink = lastEpochInSink;
  }

  /** Whether a query must write every column of the table ({@link SinkChecks}). */
  boolean writesEveryColumn() {
    return writesEveryColumn;
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    WriteBuilder builder = table.newWriteBuilder(info);
    return new WriteBuilder() {
      @Override
      public Write build() {
        return new WatchedStreamingWrite.Wrapped(builder.build(), table.name(), table.schema(), currentSchema,
            lastEpochInSink == null ? null : () -> lastEpochInSink.apply(info.queryId()));
      }
    };
  }
}
