package io.rtm.operators.aggregate;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.catalyst.expressions.aggregate.TypedImperativeAggregate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * Moves aggregation buffers between their working form (a generic row that may hold the Java
 * objects of typed imperative aggregates such as collect_list) and their stored form (an UnsafeRow
 * with those objects serialized, the same layout Spark's streaming aggregation keeps in state).
 *
 * <p>When every buffer field can be updated inside an UnsafeRow (count, sum, avg, min, max over
 * numbers and the like; the test Spark's hash aggregation makes for its in-place buffers), the
 * working form is an UnsafeRow in the stored layout: loading is one copy of bytes and storing is
 * free. Every record of a real-time aggregation loads and stores its group, so the per-field
 * conversion of the generic form was a tenth of the operator's time.
 */
final class AggregationBuffers {
  private final DataType[] types;
  private final List<TypedImperativeAggregate<Object>> typed = new ArrayList<>();
  private final UnsafeProjection toStored;
  private final boolean inPlace;
  private final FieldReader fields;

  @SuppressWarnings("unchecked")
  AggregationBuffers(AggregateFunction[] functions, StructType bufferSchema) {
    this.types = new DataType[bufferSchema.fields().length];
    for (int i = 0; i < types.length; i++) {
      types[i] = bufferSchema.fields()[i].dataType();
    }
    for (AggregateFunction f : functions) {
      if (f instanceof TypedImperativeAggregate<?> t) {
        typed.add((TypedImperativeAggregate<Object>) t);
      }
    }
    this.toStored = UnsafeProjection.create(types);
    boolean mutable = typed.isEmpty();
    for (DataType type : types) {
      mutable &= UnsafeRow.isMutable(type);
    }
    this.inPlace = mutable;
    this.fields = new FieldReader(types);
  }

  /** Field {@code field} of a stored buffer. */
  Object field(UnsafeRow stored, int field) {
    return fields.get(stored, field);
  }

  /** A working buffer for {@link #load} and {@link #store}; reuse it for every group. */
  InternalRow newWorking() {
    if (inPlace) {
      // Laid out by the stored projection, so wide decimals get their reserved bytes too.
      return toStored.apply(new GenericInternalRow(types.length)).copy();
    }
    return new GenericInternalRow(types.length);
  }

  /** Copies a stored buffer into the working row, turning serialized typed buffers into objects. */
  void load(UnsafeRow stored, InternalRow working) {
    if (inPlace) {
      ((UnsafeRow) working).copyFrom(stored);
      return;
    }
    for (int i = 0; i < types.length; i++) {
      working.update(i, fields.get(stored, i));
    }
    for (TypedImperativeAggregate<Object> t : typed) {
      int offset = t.mutableAggBufferOffset();
      byte[] bytes = (byte[]) fields.get(working, offset);
      working.update(offset, bytes == null ? t.createAggregationBuffer() : t.deserialize(bytes));
    }
  }

  /** The stored form of a working buffer; serializes typed buffers in place, so evaluate first. */
  UnsafeRow store(InternalRow working) {
    if (inPlace) {
      return (UnsafeRow) working;
    }
    for (TypedImperativeAggregate<Object> t : typed) {
      t.serializeAggregateBufferInPlace(working);
    }
    return toStored.apply(working);
  }
}
