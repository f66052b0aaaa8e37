package io.rtm.operators.aggregate;

import io.rtm.operators.eventtime.EventTimeOperator;
import io.rtm.operators.eventtime.TaskEventTime;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code dropDuplicates} and {@code dropDuplicatesWithinWatermark} in real-time mode: the first row
 * of a key leaves at once and its key is remembered in the state store; later rows of the key are
 * dropped ({@link EpochDeduplication}). Rows arrive hash-partitioned by the key, so each key is
 * decided by one task. Over a watermarked stream, late rows are dropped and counted in the
 * {@code numRowsDroppedByWatermark} metric, and keys leave the state as the watermark passes them.
 */
public final class RealTimeDeduplicateExec extends SparkPlan implements EventTimeOperator {
  private final Seq<Attribute> keys;
  private final DeduplicationTime time;
  private final EpochStateStores stateStores;
  private final SQLMetric droppedByWatermark;
  private final SparkPlan child;

  /** @param time null when the stream has no watermark */
  public RealTimeDeduplicateExec(Seq<Attribute> keys, DeduplicationTime time, EpochStateStores stateStores,
      SQLMetric droppedByWatermark, SparkPlan child) {
    this.keys = keys;
    this.time = time;
    this.stateStores = stateStores;
    this.droppedByWatermark = droppedByWatermark;
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
    return new RealTimeDeduplicateExec(keys, time, stateStores, droppedByWatermark, newChildren.head());
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return WatermarkMetrics.asMap(droppedByWatermark);
  }

  @Override
  public boolean closesByEventTime() {
    return time != null && time.evicts();
  }

  @Override
  public boolean dropsLateRows() {
    return time != null; // late rows are dropped even when keys never leave
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Seq<Attribute> input = child.output();
    Seq<Attribute> keyAttributes = keys;
    DeduplicationTime eventTime = time;
    EpochStateStores stores = stateStores;
    SQLMetric dropped = droppedByWatermark;
    return child.execute().toJavaRDD().mapPartitionsWithIndex(
        (Integer partition, Iterator<InternalRow> rows) -> {
          TaskContext context = TaskContext.get();
          return EpochStatefulTask.forTask(context, partition, stores,
              () -> new EpochDeduplication(keyAttributes, input, eventTime, stores.valueSchema(),
                  TaskEventTime.of(context.taskAttemptId()), dropped, stores.timeIndexEntries()))
              .run(rows);
        }, true).rdd();
  }

  @Override
  public String nodeName() {
    return "RealTimeDeduplicate";
  }

  @Override
  public String simpleString(int maxFields) {
    String mode = time == null ? "" : time.withinWatermark() ? " within watermark" : " with watermark";
    return nodeName() + mode + " keys=" + keys.mkString("[", ", ", "]");
  }

  @Override
  public int productArity() {
    return 5;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return keys;
      case 1: return time;
      case 2: return stateStores;
      case 3: return droppedByWatermark;
      case 4: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeDeduplicateExec;
  }
}
