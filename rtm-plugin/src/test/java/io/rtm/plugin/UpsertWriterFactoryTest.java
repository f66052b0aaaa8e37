package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.plugin.errors.RealTimeModeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** The sink task side of the Delta upsert: catalyst rows and projections only, no session. */
class UpsertWriterFactoryTest {
  private static final StructType SCHEMA = new StructType().add("n", DataTypes.LongType)
      .add("account", DataTypes.StringType);

  private static InternalRow row(String account, long n) {
    return new GenericInternalRow(new Object[] {n, account == null ? null : UTF8String.fromString(account)});
  }

  private static List<String> describe(UpsertWriterFactory.Rows rows) {
    return Arrays.stream(rows.rows()).map(r -> (r.isNullAt(1) ? "null" : r.getUTF8String(1).toString()) + "="
        + r.getLong(0)).toList();
  }

  @Test
  void anEpochsCommitMessageHoldsTheLatestRowOfEveryKeyAndTheNextEpochStartsEmpty() throws Exception {
    UpsertWriterFactory factory = new UpsertWriterFactory("t", SCHEMA, new int[] {1}, 10);
    DataWriter<InternalRow> epoch1 = factory.createWriter(0, 7, 1);
    epoch1.write(row("a", 1));
    epoch1.write(row("b", 1));
    epoch1.write(row(null, 1));
    epoch1.write(row("a", 2));
    epoch1.write(row(null, 3));
    UpsertWriterFactory.Rows rows = (UpsertWriterFactory.Rows) epoch1.commit();
    epoch1.close();
    assertThat(describe(rows)).containsExactly("a=2", "b=1", "null=3");

    // The message reaches the driver through Java serialization (the epoch coordinator's RPC).
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(rows);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(describe((UpsertWriterFactory.Rows) in.readObject())).containsExactly("a=2", "b=1", "null=3");
    }
    assertThat(rows.rows()[0]).isInstanceOf(UnsafeRow.class);

    DataWriter<InternalRow> epoch2 = factory.createWriter(0, 7, 2);
    epoch2.write(row("b", 5));
    assertThat(describe((UpsertWriterFactory.Rows) epoch2.commit())).containsExactly("b=5");
  }

  @Test
  void aTaskUpdatingMoreKeysThanTheLimitInOneEpochFailsNamingTheTableAndLimit() throws Exception {
    UpsertWriterFactory factory = new UpsertWriterFactory("spark_catalog.default.counts", SCHEMA, new int[] {1}, 2);
    DataWriter<InternalRow> writer = factory.createWriter(3, 7, 9);
    writer.write(row("a", 1));
    writer.write(row("b", 1));
    writer.write(row("a", 2));
    assertThatThrownBy(() -> writer.write(row("c", 1)))
        .isInstanceOfSatisfying(RealTimeModeException.class,
            e -> assertThat(e.getCondition()).isEqualTo("RTM_DELTA_UPSERT_TOO_MANY_KEYS"))
        .hasMessageContaining("Sink task 3 of the Delta upsert sink spark_catalog.default.counts")
        .hasMessageContaining("more than 2 keys in epoch 9")
        .hasMessageContaining("spark.rtm.delta.upsertMaxKeysPerTask");
  }
}
