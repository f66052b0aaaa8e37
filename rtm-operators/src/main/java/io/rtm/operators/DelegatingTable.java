package io.rtm.operators;

import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.Column;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;

/**
 * A table that is another table in everything but the one call a subclass replaces (a source's
 * scan, a sink's write): name, schema, columns, partitioning, properties and capabilities are the
 * wrapped table's, so Spark's checks and messages see the user's table.
 */
public abstract class DelegatingTable<T extends Table> implements Table {
  /** The user's table. */
  protected final T table;

  protected DelegatingTable(T table) {
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
