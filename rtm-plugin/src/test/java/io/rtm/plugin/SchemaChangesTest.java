package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SchemaChangesTest {
  private static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.LongType)
      .add("amount", DataTypes.DoubleType);

  @Test
  void namesAddedDroppedAndRetypedColumns() {
    StructType after = new StructType()
        .add("amount", DataTypes.StringType)
        .add("note", DataTypes.StringType);
    assertThat(SchemaChanges.describe(EVENTS, after))
        .isEqualTo("column amount changed from DOUBLE to STRING; column note STRING added; column event_id dropped");
  }

  @Test
  void theSameSchemaHasNoChanges() {
    assertThat(SchemaChanges.describe(EVENTS, new StructType(EVENTS.fields()))).isEmpty();
  }

  @Test
  void aColumnMadeNotNullIsAChange() {
    StructType after = new StructType().add("event_id", DataTypes.LongType, false).add("amount", DataTypes.DoubleType);
    assertThat(SchemaChanges.describe(EVENTS, after)).isEqualTo("column event_id now NOT NULL");
  }
}
