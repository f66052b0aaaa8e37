package io.rtm.operators.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class AggregationBuffersTest {
  private static final StructType FIXED_WIDTH = new StructType()
      .add("count", DataTypes.LongType)
      .add("sum", DataTypes.DoubleType)
      .add("wideSum", DataTypes.createDecimalType(38, 2))
      .add("max", DataTypes.IntegerType);

  @Test
  void fixedWidthBuffersAreUpdatedInPlaceAndStoredInTheSameLayout() {
    AggregationBuffers buffers = new AggregationBuffers(new AggregateFunction[0], FIXED_WIDTH);
    UnsafeRow stored = storedRow(FIXED_WIDTH, 3L, 1.5, Decimal.apply("12345678901234567890.25"), null);

    InternalRow working = buffers.newWorking();
    buffers.load(stored, working);
    working.setLong(0, working.getLong(0) + 1);
    working.setDecimal(2, Decimal.apply("99999999999999999999.75"), 38);
    working.setInt(3, 7);
    UnsafeRow updated = buffers.store(working);

    assertThat(working).isInstanceOf(UnsafeRow.class);
    assertThat(updated.getLong(0)).isEqualTo(4L);
    assertThat(updated.getDouble(1)).isEqualTo(1.5);
    assertThat(updated.getDecimal(2, 38, 2).toJavaBigDecimal()).isEqualByComparingTo("99999999999999999999.75");
    assertThat(updated.getInt(3)).isEqualTo(7);
    assertThat(updated.getSizeInBytes()).isEqualTo(stored.getSizeInBytes());
    // The stored row the buffer was loaded from is not changed by updating the buffer.
    assertThat(stored.getLong(0)).isEqualTo(3L);
    assertThat(stored.isNullAt(3)).isTrue();
  }

  @Test
  void reloadingReplacesEveryFieldOfThePreviousGroup() {
    AggregationBuffers buffers = new AggregationBuffers(new AggregateFunction[0], FIXED_WIDTH);
    InternalRow working = buffers.newWorking();
    buffers.load(storedRow(FIXED_WIDTH, 9L, 2.0, Decimal.apply("1.00"), 5), working);

    buffers.load(storedRow(FIXED_WIDTH, 1L, null, null, null), working);

    assertThat(working.getLong(0)).isEqualTo(1L);
    assertThat(working.isNullAt(1)).isTrue();
    assertThat(working.isNullAt(2)).isTrue();
    assertThat(working.isNullAt(3)).isTrue();
  }

  @Test
  void variableWidthBuffersUseTheGenericForm() {
    StructType withString = new StructType().add("first", DataTypes.StringType).add("count", DataTypes.LongType);
    AggregationBuffers buffers = new AggregationBuffers(new AggregateFunction[0], withString);
    InternalRow working = buffers.newWorking();

    buffers.load(storedRow(withString, UTF8String.fromString("a"), 2L), working);
    working.update(0, UTF8String.fromString("longer than the first"));
    UnsafeRow updated = buffers.store(working);

    assertThat(working).isInstanceOf(GenericInternalRow.class);
    assertThat(updated.getUTF8String(0).toString()).isEqualTo("longer than the first");
    assertThat(updated.getLong(1)).isEqualTo(2L);
  }

  private static UnsafeRow storedRow(StructType schema, Object... values) {
    return UnsafeProjection.create(schema).apply(new GenericInternalRow(values)).copy();
  }
}
