package io.rtm.operators.aggregate;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
import org.apache.spark.sql.catalyst.expressions.MutableProjection$;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateFunction;
import org.apache.spark.sql.execution.aggregate.SortBasedAggregationIterator;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction2;

/**
 * Spark's own aggregate-function machinery, driven one row at a time.
 *
 * <p>{@code AggregationIterator} binds every kind of aggregate function (declarative, imperative,
 * typed imperative, with FILTER clauses) and builds the update and result projections. A
 * {@code SortBasedAggregationIterator} over an empty input is built only for those pieces: its
 * {@code initializeBuffer}, {@code processRow}, {@code generateOutput} and
 * {@code groupingProjection} are Scala-protected but public in bytecode (checked against Spark
 * 4.2.0 {@code AggregationIterator.scala}). Java cannot subclass it (Scala collection bridge
 * methods), hence composition. The expressions are in {@code Complete} mode: raw input in, final
 * result out, so each record updates its group's buffer and yields the group's current result.
 */
public final class RowAggregator {
  private final SortBasedAggregationIterator spark;

  public RowAggregator(
      Seq<NamedExpression> groupingExpressions,
      Seq<Attribute> inputAttributes,
      Seq<AggregateExpression> completeModeExpressions,
      Seq<Attribute> aggregateAttributes,
      Seq<NamedExpression> resultExpressions) {
    this.spark = new SortBasedAggregationIterator(0, groupingExpressions, inputAttributes,
        scala.collection.Iterator$.MODULE$.empty(), completeModeExpressions, aggregateAttributes, 0,
        resultExpressions, new AbstractFunction2<Seq<Expression>, Seq<Attribute>, MutableProjection>() {
          @Override
          public MutableProjection apply(Seq<Expression> exprs, Seq<Attribute> schema) {
            return MutableProjection$.MODULE$.create(exprs, schema);
          }
        }, new SQLMetric("sum", 0L), new SQLMetric("timing", 0L));
  }

  /** The group key of an input row; the returned row is reused by the next call. */
  public UnsafeRow keyOf(InternalRow input) {
    return spark.groupingProjection().apply(input);
  }

  public void initialize(InternalRow buffer) {
    spark.initializeBuffer(buffer);
  }

  public void update(InternalRow buffer, InternalRow input) {
    spark.processRow().apply(buffer, input);
  }

  /** The group's current output row; reused by the next call. */
  public UnsafeRow result(UnsafeRow key, InternalRow buffer) {
    return spark.generateOutput().apply(key, buffer);
  }

  public AggregateFunction[] functions() {
    return spark.aggregateFunctions();
  }
}
