package io.rtm.plugin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** What changed between two schemas of one table, column by column, for an error message. */
final class SchemaChanges {
  private SchemaChanges() {}

  /** @return e.g. "column note STRING added; column amount changed from DOUBLE to STRING", or "" if none */
  static String describe(StructType before, StructType after) {
    Map<String, StructField> old = byName(before);
    Map<String, StructField> now = byName(after);
    List<String> changes = new ArrayList<>();
    for (StructField f : after.fields()) {
      StructField was = old.get(f.name());
      if (was == null) {
        changes.add("column " + f.name() + " " + f.dataType().sql() + " added");
      } else if (!was.dataType().equals(f.dataType())) {
        changes.add("column " + f.name() + " changed from " + was.dataType().sql() + " to " + f.dataType().sql());
      } else if (was.nullable() != f.nullable()) {
        changes.add("column " + f.name() + (f.nullable() ? " now nullable" : " now NOT NULL"));
      }
    }
    for (StructField f : before.fields()) {
      if (!now.containsKey(f.name())) {
        changes.add("column " + f.name() + " dropped");
      }
    }
    return String.join("; ", changes);
  }

  private static Map<String, StructField> byName(StructType schema) {
    return Arrays.stream(schema.fields()).collect(Collectors.toMap(StructField::name, Function.identity(), (a, b) -> a));
  }
}
