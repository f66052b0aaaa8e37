package io.rtm.operators;

import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag$;

/**
 * The leaf RDD under a stage's operators: partition i yields the current epoch of task i's input.
 * Spark's operators are built over it once on the driver; the stage task calls {@code compute} of the
 * top RDD once per epoch.
 */
public final class EpochInputRDD extends RDD<InternalRow> {
  private final int numPartitions;

  @SuppressWarnings("unchecked")
  public EpochInputRDD(SparkContext sc, int numPartitions) {
    super(sc, (Seq<org.apache.spark.Dependency<?>>) (Seq<?>) scala.collection.immutable.Nil$.MODULE$,
        ClassTag$.MODULE$.apply(InternalRow.class));
    this.numPartitions = numPartitions;
  }

  @Override
  public scala.collection.Iterator<InternalRow> compute(Partition split, TaskContext context) {
    try {
      return ScalaIterators.of(TaskInputs.of(context.taskAttemptId()).nextEpoch());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TaskStoppedException(e);
    }
  }

  @Override
  public Partition[] getPartitions() {
    Partition[] partitions = new Partition[numPartitions];
    for (int i = 0; i < numPartitions; i++) {
      final int index = i;
      partitions[i] = new IndexPartition(index);
    }
    return partitions;
  }

  /** A partition that is only an index. */
  record IndexPartition(int index) implements Partition {
    @Override
    public int index() {
      return index;
    }
  }
}
