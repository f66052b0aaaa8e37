package io.rtm.plugin;

import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The sink tasks of a Delta upsert sink: each epoch's writer keeps the latest row of every key the
 * epoch updated and hands them over in its commit message at the epoch's barrier; the driver's epoch
 * commit ({@link UpsertStreamingWrite}) MERGEs them. Nothing is written to the table from a task.
 */
final class UpsertWriterFactory implements StreamingDataWriterFactory {
  private static final long serialVersionUID = 1L;
  private final String table;
  private final StructType schema;
  private final int[] keyOrdinals;
  private final int maxKeys;

  UpsertWriterFactory(String table, StructType schema, int[] keyOrdinals, int maxKeys) {
    this.table = table;
    this.schema = schema;
    this.keyOrdinals = keyOrdinals.clone();
    this.maxKeys = maxKeys;
  }

  /** An epoch's rows of one sink task, at most one per key. */
  record Rows(UnsafeRow[] rows) implements WriterCommitMessage {}

  /** The projection of a row's key columns, as a value with equality (an UnsafeRow compares bytes). */
  static UnsafeProjection keyProjection(StructType schema, int[] keyOrdinals) {
    List<Expression> keys = new ArrayList<>();
    for (int ordinal : keyOrdinals) {
      keys.add(new BoundReference(ordinal, schema.fields()[ordinal].dataType(), true));
    }
    return UnsafeProjection.create(CollectionConverters.asScala(keys).toSeq());
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    return new Writer(partitionId, epochId);
  }

  private final class Writer implements DataWriter<InternalRow> {
    private final int partition;
    private final long epoch;
    private final UnsafeProjection rowProjection = UnsafeProjection.create(schema);
    private final UnsafeProjection keyProjection = keyProjection(schema, keyOrdinals);
    private final LatestPerKey<UnsafeRow, UnsafeRow> latest = new LatestPerKey<>(maxKeys);

    Writer(int partition, long epoch) {
      this.partition = partition;
      this.epoch = epoch;
    }

    @Override
    public void write(InternalRow record) {
      // Both projections reuse their output row: copies are what the buffer may keep.
      UnsafeRow row = rowProjection.apply(record).copy();
      if (!latest.put(keyProjection.apply(row).copy(), row)) {
        throw RtmErrors.deltaUpsertTooManyKeys(table, partition, epoch, maxKeys);
      }
    }

    @Override
    public WriterCommitMessage commit() {
      Rows rows = new Rows(latest.values().toArray(new UnsafeRow[0]));
      latest.clear();
      return rows;
    }

    @Override
    public void abort() {
      latest.clear();
    }

    @Override
    public void close() {
      latest.clear();
    }
  }
}
