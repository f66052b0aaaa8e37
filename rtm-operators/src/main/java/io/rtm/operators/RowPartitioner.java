package io.rtm.operators;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import scala.jdk.javaapi.CollectionConverters;

/** Picks the reducer of a row, the way Spark's shuffle exchange would for the same partitioning. */
public interface RowPartitioner {
  int partitionOf(UnsafeRow row);

  /** How to build a partitioner on the executor; shipped with the stage. */
  interface Spec extends Serializable {
    RowPartitioner open(int mapIndex);
  }

  /** Hash (and single) partitioning: Spark's own partition-id expression over the stage output. */
  record ByExpression(Expression partitionId, scala.collection.immutable.Seq<Attribute> input) implements Spec {
    @Override
    public RowPartitioner open(int mapIndex) {
      UnsafeProjection projection = UnsafeProjection.create(
          CollectionConverters.asScala(java.util.List.of(partitionId)).toSeq(), input);
      return row -> projection.apply(row).getInt(0);
    }
  }

  /** Round robin, starting at a different reducer per map task as Spark does. */
  record RoundRobin(int numPartitions) implements Spec {
    @Override
    public RowPartitioner open(int mapIndex) {
      int[] next = {new java.util.Random(mapIndex).nextInt(numPartitions)};
      return row -> {
        int p = next[0];
        next[0] = p + 1 == numPartitions ? 0 : p + 1;
        return p;
      };
    }
  }
}
