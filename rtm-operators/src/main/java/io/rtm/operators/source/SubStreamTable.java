package io.rtm.operators.source;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.types.StructType;

/**
 * Stands at the plan leaf of a second (third...) streaming source of a real-time query. It is not
 * {@code SupportsRead} on purpose: Spark 4.2.0's {@code ContinuousExecution} turns only readable
 * stream relations into sources, so this leaf stays a plain streaming leaf (Spark plans it as
 * {@code StreamingRelationExec}) and the stage planner binds it to its sub-source's partitions of the
 * {@link CompositeTable}. Every Spark check still sees a streaming source here (joins, watermarks).
 */
public final class SubStreamTable implements Table {
  private final String name;
  private final StructType schema;

  public SubStreamTable(String name, StructType schema) {
    this.name = name;
    this.schema = schema;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.CONTINUOUS_READ);
  }
}
