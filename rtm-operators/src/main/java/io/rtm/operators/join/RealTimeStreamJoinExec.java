package io.rtm.operators.join;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A stream-stream join (inner, left outer, right outer) in real-time mode, in place of Spark's
 * {@code StreamingSymmetricHashJoinExec}, which joins a whole batch before it emits and evicts only
 * at the batch end. Its child is the one shuffle both sides write to (see {@link StreamJoinSpec});
 * every row is joined as it arrives ({@link StreamJoinOperator}).
 */
public final class RealTimeStreamJoinExec extends SparkPlan {
  private final StreamJoinSpec spec;
  private final JoinStateStores stores;
  private final SparkPlan child;

  public RealTimeStreamJoinExec(StreamJoinSpec spec, JoinStateStores stores, SparkPlan child) {
    this.spec = spec;
    this.stores = stores;
    this.child = child;
  }

  public SparkPlan child() {
    return child;
  }

  @Override
  public Seq<Attribute> output() {
    return spec.output();
  }

  @Override
  public Partitioning outputPartitioning() {
    return new UnknownPartitioning(child.outputPartitioning().numPartitions());
  }

  @Override
  public Seq<SparkPlan> children() {
    return CollectionConverters.asScala(List.of(child)).toList();
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new RealTimeStreamJoinExec(spec, stores, newChildren.head());
  }

  @Override
  public RDD<InternalRow> doExecute() {
    StreamJoinSpec s = spec;
    JoinStateStores st = stores;
    return child.execute().toJavaRDD().mapPartitionsWithIndex(
        (Integer partition, Iterator<InternalRow> rows) ->
            EpochJoinTask.forTask(TaskContext.get(), partition, st, s).run(rows), true).rdd();
  }

  @Override
  public String nodeName() {
    return "RealTimeStreamJoin";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + spec.joinType() + " " + spec.leftKeys().mkString(", ") + " = "
        + spec.rightKeys().mkString(", ");
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return spec;
      case 1: return stores;
      case 2: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeStreamJoinExec;
  }
}
