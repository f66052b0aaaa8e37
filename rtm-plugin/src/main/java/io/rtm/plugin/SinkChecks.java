package io.rtm.plugin;

import io.rtm.plugin.errors.RealTimeModeException;
import io.rtm.plugin.errors.RtmErrors;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.types.StructField;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Start-time checks of a real-time query's sink, so that a wrong sink fails start() with a clear error. */
final class SinkChecks {
  private SinkChecks() {}

  /** A sink without streaming writes (DataSource V1), which only micro-batch execution can drive. */
  static RealTimeModeException unsupportedSink(Table sink) {
    String description = sink.toString();
    String hint = description.startsWith("DeltaSink")
        ? "For Delta Lake, write to the table by name or path with toTable(\"<table>\") or"
            + " toTable(\"delta.`<path>`\") and spark.databricks.delta.v2.enableMode=STRICT, which gives Delta's"
            + " DataSource V2 streaming write"
        : "Use a sink with DataSource V2 streaming writes (Kafka, Delta Lake tables via toTable), or run the"
            + " query in micro-batch mode with spark.sql.streaming.realTimeMode.enabled=false";
    return RtmErrors.unsupportedSink(description, hint);
  }

  /**
   * The query writes a column the sink table does not have. Spark does not check streaming V2
   * writes against the table's schema; a writer that trusts its table schema fails on every row
   * instead (Delta's DataSource V2 writer: ArrayIndexOutOfBoundsException in every task).
   */
  static RealTimeModeException schemaMismatch(SupportsWrite sink, Seq<Attribute> output, boolean caseSensitive) {
    // Sinks that take whatever they get say so, or declare no schema at all (foreach, memory, console).
    if (sink.capabilities().contains(TableCapability.ACCEPT_ANY_SCHEMA) || sink.schema().fields().length == 0) {
      return null;
    }
    Set<String> tableColumns = Arrays.stream(sink.schema().fields()).map(StructField::name)
        .map(n -> caseSensitive ? n : n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    for (Attribute a : CollectionConverters.asJava(output)) {
      String name = caseSensitive ? a.name() : a.name().toLowerCase(Locale.ROOT);
      if (!tableColumns.contains(name)) {
        return RtmErrors.sinkSchemaMismatch(a.name(), sink.name(),
            Arrays.stream(sink.schema().fields()).map(StructField::name).collect(Collectors.joining(", ")));
      }
    }
    if (sink instanceof WatchedSinkTable watched && watched.writesEveryColumn() || sink instanceof UpsertSinkTable) {
      // Else Delta's writer fails the start with an IllegalArgumentException of no error class; an
      // upsert's INSERT * needs every table column too.
      Set<String> written = CollectionConverters.asJava(output).stream().map(Attribute::name)
          .map(n -> caseSensitive ? n : n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      for (StructField f : sink.schema().fields()) {
        if (!written.contains(caseSensitive ? f.name() : f.name().toLowerCase(Locale.ROOT))) {
          return RtmErrors.sinkColumnNotWritten(f.name(), f.dataType().sql(), sink.name());
        }
      }
    }
    return null;
  }
}
