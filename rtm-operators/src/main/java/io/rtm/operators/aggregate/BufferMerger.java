package io.rtm.operators.aggregate;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.MutableProjection;
import org.apache.spark.sql.catalyst.expressions.MutableProjection$;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.PartialMerge$;
import org.apache.spark.sql.execution.aggregate.SortBasedAggregationIterator;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction2;

/**
 * Merges one stored aggregation buffer into a working one with Spark's own merge expressions
 * ({@code PartialMerge} mode), as Spark's {@code MergingSessionsExec} does when two sessions meet.
 * Built like {@link RowAggregator} (see there for the Spark 4.2.0 members used); the input row is a
 * stored buffer, whose typed imperative buffers are still serialized, which is what their
 * {@code merge} expects.
 */
final class BufferMerger {
  private final SortBasedAggregationIterator spark;

  /** @param completeModeExpressions the aggregate's functions, whose buffer layout the merge keeps */
  BufferMerger(Seq<AggregateExpression> completeModeExpressions) {
    List<AggregateExpression> merge = new ArrayList<>();
    List<Attribute> input = new ArrayList<>();
    List<Attribute> results = new ArrayList<>();
    for (AggregateExpression ae : CollectionConverters.asJava(completeModeExpressions)) {
      merge.add(new AggregateExpression(ae.aggregateFunction(), PartialMerge$.MODULE$, false, scala.Option.empty(),
          ae.resultId()));
      input.addAll(CollectionConverters.asJava(ae.aggregateFunction().inputAggBufferAttributes()));
      results.add(ae.resultAttribute());
    }
    Seq<NamedExpression> noGrouping = CollectionConverters.asScala(List.<NamedExpression>of()).toList();
    this.spark = new SortBasedAggregationIterator(0, noGrouping, CollectionConverters.asScala(input).toList(),
        scala.collection.Iterator$.MODULE$.empty(), CollectionConverters.asScala(merge).toList(),
        CollectionConverters.asScala(results).toList(), 0, noGrouping,
        new AbstractFunction2<Seq<Expression>, Seq<Attribute>, MutableProjection>() {
          @Override
          public MutableProjection apply(Seq<Expression> exprs, Seq<Attribute> schema) {
            return MutableProjection$.MODULE$.create(exprs, schema);
          }
        }, new SQLMetric("sum", 0L), new SQLMetric("timing", 0L));
  }

  /** Adds {@code stored} (a buffer in stored form) into {@code working} (a buffer in working form). */
  void merge(InternalRow working, InternalRow stored) {
    spark.processRow().apply(working, stored);
  }
}
