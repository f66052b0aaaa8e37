package io.rtm.plugin;

import java.lang.reflect.InvocationTargetException;
import java.util.HashMap;
import org.apache.spark.sql.classic.Dataset;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.immutable.Map;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code writeStream.format("delta").start(path)} on the real-time engine. For a path, Delta 4.4
 * hands Spark its DataSource V1 sink ({@code DeltaSink}), which only micro-batch execution can
 * drive; the same table through Delta's DataSource V2 table ({@code DeltaV2Table}, what
 * {@code toTable} gives with {@code spark.databricks.delta.v2.enableMode=STRICT}) has a streaming
 * write that commits each epoch once with the transaction id (query id, epoch). This swaps the
 * first for the second, creating the table from the query's schema when the path holds none.
 *
 * <p>Delta is the user's dependency, not the plugin's: reached by reflection, checked against
 * delta-spark 4.4.0 ({@code DeltaSink.path()}, {@code DeltaV2Table(Identifier, String, Map)}).
 * Partition columns of {@code partitionBy} apply only to a table that already exists.
 */
final class DeltaPathSinks {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaPathSinks.class);
  private static final String V1_SINK = "org.apache.spark.sql.delta.sources.DeltaSink";
  private static final String V2_TABLE = "io.delta.spark.internal.v2.catalog.DeltaV2Table";

  private DeltaPathSinks() {}

  /** Delta's V2 table for a Delta V1 path sink, else {@code sink} itself. */
  static Table withStreamingWrite(Table sink, Dataset<?> df, Map<String, String> writerOptions, SparkSession session) {
    if (!sink.getClass().getName().equals(V1_SINK)) {
      return sink;
    }
    try {
      String path = sink.getClass().getMethod("path").invoke(sink).toString();
      java.util.Map<String, String> options = new HashMap<>(CollectionConverters.asJava(writerOptions));
      options.remove("path");
      Table table;
      try {
        table = open(sink, path, options);
      } catch (InvocationTargetException missing) {
        LOG.info("Creating the Delta table at {} from the query's schema for a real-time query", path);
        session.sql("CREATE TABLE IF NOT EXISTS delta.`" + path.replace("`", "``") + "` ("
            + df.schema().toDDL() + ") USING delta");
        table = open(sink, path, options);
      }
      LOG.info("Delta path sink {} runs on the real-time engine through Delta's DataSource V2 streaming write", path);
      return table;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("Cannot turn {} into Delta's DataSource V2 table (delta-spark other than 4.4?): {}", sink, e.toString());
      return sink;
    }
  }

  /**
   * Delta's V2 table with its epoch commits watched ({@link WatchedSinkTable}), else {@code sink}
   * itself. Delta 4.4.0's streaming write refuses to commit once another writer changed the table's
   * schema ({@code DeltaV2StreamingWrite.commit}: an IllegalStateException that names no column); the
   * latest snapshot's schema, the one that commit compared ({@code DeltaV2Table.getSnapshotManager()
   * .loadLatestSnapshot().getSchema()}, kernel JSON, read as Spark's), names it.
   */
  static Table watched(Table sink) {
    if (!isV2Table(sink) || !(sink instanceof SupportsWrite write)) {
      return sink;
    }
    // Delta 4.4.0's V2 writer maps every table column to one of the query's (DeltaV2WriteContext.ordinalsOf).
    return new WatchedSinkTable(write, () -> latestSchema(sink), true, DeltaPathSinks.lastEpochIn(sink));
  }

  /** Query id -> the query's last epoch in the Delta table ({@link DeltaEpochs}), read on the driver. */
  static java.util.function.Function<String, java.util.OptionalLong> lastEpochIn(Table v2Table) {
    return appId -> DeltaEpochs.lastEpoch(tablePath(v2Table), appId,
        org.apache.spark.SparkContext.getOrCreate().hadoopConfiguration());
  }

  static StructType latestSchema(Table v2Table) {
    try {
      ClassLoader loader = v2Table.getClass().getClassLoader();
      Object manager = v2Table.getClass().getMethod("getSnapshotManager").invoke(v2Table);
      Object snapshot = Class.forName("org.apache.spark.sql.delta.v2.interop.DeltaV2SnapshotManager", true, loader)
          .getMethod("loadLatestSnapshot").invoke(manager);
      Object schema = Class.forName("io.delta.kernel.Snapshot", true, loader).getMethod("getSchema").invoke(snapshot);
      String json = (String) Class.forName("io.delta.kernel.types.StructType", true, loader)
          .getMethod("toJson").invoke(schema);
      return (StructType) DataType.fromJson(json);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the latest schema of " + v2Table + " (delta-spark other than 4.4?)", e);
    }
  }

  /** Whether {@code sink} is Delta's DataSource V2 table. */
  static boolean isV2Table(Table sink) {
    return sink.getClass().getName().equals(V2_TABLE);
  }

  /** The table's location ({@code DeltaV2Table.getTablePath()}, a Hadoop path, in delta-spark 4.4.0). */
  static String tablePath(Table v2Table) {
    try {
      return v2Table.getClass().getMethod("getTablePath").invoke(v2Table).toString();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the location of " + v2Table + " (delta-spark other than 4.4?)", e);
    }
  }

  private static Table open(Table sink, String path, java.util.Map<String, String> options)
      throws ReflectiveOperationException {
    Class<?> v2 = Class.forName(V2_TABLE, true, sink.getClass().getClassLoader());
    return (Table) v2.getConstructor(Identifier.class, String.class, java.util.Map.class)
        .newInstance(Identifier.of(new String[] {"delta"}, path), path, options);
  }
}
