package io.rtm.plugin;

import io.rtm.operators.DelegatingTable;
import org.apache.spark.sql.connector.catalog.SupportsWrite;

/**
 * A sink table that is another table in everything but its write: the plugin's wrappers replace
 * {@code newWriteBuilder} and keep the wrapped table's name, schema, partitioning, properties and
 * capabilities, so Spark's checks and messages see the user's table.
 */
abstract class DelegatingSinkTable extends DelegatingTable<SupportsWrite> implements SupportsWrite {
  DelegatingSinkTable(SupportsWrite table) {
    super(table);
  }
}
