package io.rtm.operators;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * The leaf of a real-time stage: stands where Spark's plan had the continuous scan (a source
 * stage) or a shuffle exchange (a downstream stage). Spark's own operators of the stage sit above it
 * unchanged, so their semantics (and whole-stage code generation) are Spark's.
 */
public final class EpochInputExec extends SparkPlan {
  private final Seq<Attribute> output;
  private final int numPartitions;
  private final String origin;

  /** @param origin what this leaf replaced, shown in plans: e.g. "source KafkaContinuousStream" */
  public EpochInputExec(Seq<Attribute> output, int numPartitions, String origin) {
    this.output = output;
    this.numPartitions = numPartitions;
    this.origin = origin;
  }

  public int numPartitions() {
    return numPartitions;
  }

  @Override
  public Seq<Attribute> output() {
    return output;
  }

  @Override
  public Partitioning outputPartitioning() {
    return new UnknownPartitioning(numPartitions);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Seq<SparkPlan> children() {
    return (Seq<SparkPlan>) (Seq<?>) scala.collection.immutable.Nil$.MODULE$;
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return this;
  }

  @Override
  public RDD<InternalRow> doExecute() {
    return new EpochInputRDD(sparkContext(), numPartitions);
  }

  @Override
  public String nodeName() {
    return "RealTimeEpochInput";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " [" + origin + ", " + numPartitions + " partitions]";
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return output;
      case 1: return numPartitions;
      case 2: return origin;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof EpochInputExec;
  }
}
