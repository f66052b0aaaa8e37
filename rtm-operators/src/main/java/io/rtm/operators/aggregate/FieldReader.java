package io.rtm.operators.aggregate;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.InternalRow$;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.types.DataType;
import scala.Function2;

/**
 * Reads a row's fields as Catalyst values (null when null) through accessors resolved once per
 * type. {@code InternalRow.get(ordinal, dataType)} resolves the physical type on every call, and on
 * an executor each resolution builds a fresh read-only SQLConf from the task's properties
 * (Spark 4.2.0 {@code PhysicalDataType.apply} via {@code TypeOps}): per record and field, that was
 * most of a real-time aggregation's garbage.
 */
final class FieldReader {
  private final Function2<SpecializedGetters, Object, Object>[] accessors;

  @SuppressWarnings("unchecked")
  FieldReader(DataType[] types) {
    accessors = new Function2[types.length];
    for (int i = 0; i < types.length; i++) {
      accessors[i] = InternalRow$.MODULE$.getAccessor(types[i], true);
    }
  }

  /** Field {@code ordinal} of {@code row}, of the type given for it; not copied out of the row. */
  Object get(InternalRow row, int ordinal) {
    return accessors[ordinal].apply(row, ordinal);
  }
}
