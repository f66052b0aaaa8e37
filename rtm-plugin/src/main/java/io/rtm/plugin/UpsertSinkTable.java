package io.rtm.plugin;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.internal.connector.SupportsStreamingUpdateAsAppend;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Delta table as the sink of an update-mode aggregation: its write upserts each epoch's updated
 * rows by key ({@link UpsertStreamingWrite}) instead of appending them. Its write builder is
 * Spark's {@code SupportsStreamingUpdateAsAppend}, the marker Spark 4.2.0's
 * {@code StreamExecution.createWrite} asks of an Update-mode sink (Delta's own V2 write lacks it, so
 * Delta refuses Update mode). The epoch commit is watched as an append sink's is
 * ({@link WatchedStreamingWrite}). Everything but the write is the Delta table's.
 */
final class UpsertSinkTable extends DelegatingSinkTable {
  private final String path;
  private final List<String> keys;
  private final SparkSession session;
  private final int maxKeys;
  private final boolean caseSensitive;
  private final Supplier<StructType> currentSchema;

  UpsertSinkTable(SupportsWrite table, String path, List<String> keys, SparkSession session, int maxKeys,
      boolean caseSensitive, Supplier<StructType> currentSchema) {
    super(table);
    this.path = path;
    this.keys = List.copyOf(keys);
    this.session = session;
    this.maxKeys = maxKeys;
    this.caseSensitive = caseSensitive;
    this.currentSchema = currentSchema;
  }

  List<String> keys() {
    return keys;
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    StructType schema = info.schema();
    List<String> columns = Arrays.stream(schema.fields()).map(StructField::name).toList();
    int[] ordinals = UpsertKeys.ordinals(keys, columns, caseSensitive);
    return new SupportsStreamingUpdateAsAppend() {
      @Override
      public Write build() {
        return new Write() {
          @Override
          public StreamingWrite toStreaming() {
            return new WatchedStreamingWrite(new UpsertStreamingWrite(table.name(), path, schema, keys, ordinals,
                info.queryId(), session, maxKeys), table.name(), table.schema(), currentSchema,
                () -> DeltaEpochs.lastEpoch(path, info.queryId(), session.sessionState().newHadoopConf()));
          }

          @Override
          public String description() {
            return "upsert by " + String.join(", ", keys) + " into " + table.name();
          }
        };
      }
    };
  }
}
