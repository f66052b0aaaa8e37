package io.rtm.plugin;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;

/**
 * A sink table that is another table in everything but its write: the plugin's wrappers replace
 * {@code newWriteBuilder} and keep the wrapped table's name, schema, partitioning, properties and
 * capabilities, so Spark's checks and messages see the user's table.
 */
abstract class DelegatingSinkTable implements SupportsWrite {
  /** The user's table, whose write the subclass wraps. */
  protected final SupportsWrite table;

  DelegatingSinkTable(SupportsWrite table) {
    this.table = table;
  }

  @Override
  public String name() {
    return table.name();
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return table.schema();
  }

  @Override
  public Column[] columns() {
    return table.columns();
  }

  @Override
  public Transform[] partitioning() {
    return table.partitioning();
  }

  @Override
  public Map<String, String> properties() {
    return table.properties();
  }

  @Override
  public Set<TableCapability> capabilities() {
    return table.capabilities();
  }

  @Override
  public String toString() {
    return table.toString();
  }
}
