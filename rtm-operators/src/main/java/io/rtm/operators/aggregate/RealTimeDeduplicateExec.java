package io.rtm.operators.aggregate;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code dropDuplicates} in real-time mode: the first row of a key leaves at once and its key is
 * remembered in the state store; later rows of the key are dropped. Rows arrive hash-partitioned by
 * the key, so each key is decided by one task.
 */
public final class RealTimeDeduplicateExec extends SparkPlan {
  private final Seq<Attribute> keys;
  private final EpochStateStores stateStores;
  private final SparkPlan child;

  public RealTimeDeduplicateExec(Seq<Attribute> keys, EpochStateStores stateStores, SparkPlan child) {
    this.keys = keys;
    this.stateStores = stateStores;
    this.child = child;
  }

  @Override
  public Seq<Attribute> output() {
    return child.output();
  }

  @Override
  public Partitioning outputPartitioning() {
    return child.outputPartitioning();
  }

  @Override
  public Seq<SparkPlan> children() {
    return CollectionConverters.asScala(List.of(child)).toList();
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new RealTimeDeduplicateExec(keys, stateStores, newChildren.head());
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Seq<Attribute> input = child.output();
    Seq<Attribute> keyAttributes = keys;
    EpochStateStores stores = stateStores;
    return child.execute().toJavaRDD().mapPartitionsWithIndex(
        (Integer partition, Iterator<InternalRow> rows) -> EpochStatefulTask
            .forTask(TaskContext.get(), partition, stores, () -> firstOfKey(keyAttributes, input, stores))
            .run(rows), true).rdd();
  }

  private static EpochStatefulTask.RowOperator firstOfKey(Seq<Attribute> keys, Seq<Attribute> input,
      EpochStateStores stores) {
    @SuppressWarnings("unchecked")
    UnsafeProjection keyOf = UnsafeProjection.create((Seq) keys, input);
    UnsafeRow seen = UnsafeProjection.create(stores.valueSchema())
        .apply(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(stores.valueSchema().size()))
        .copy();
    return (row, store, out) -> {
      UnsafeRow key = keyOf.apply(row);
      if (store.get(key, StateStore.DEFAULT_COL_FAMILY_NAME()) == null) {
        store.put(key, seen, StateStore.DEFAULT_COL_FAMILY_NAME());
        out.add(row.copy());
      }
    };
  }

  @Override
  public String nodeName() {
    return "RealTimeDeduplicate";
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return keys;
      case 1: return stateStores;
      case 2: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeDeduplicateExec;
  }
}
