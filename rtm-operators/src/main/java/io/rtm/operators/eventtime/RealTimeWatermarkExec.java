package io.rtm.operators.eventtime;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code withWatermark} in real-time mode: passes rows through unchanged and feeds their event time
 * to the task's {@link TaskEventTime}, from where the stage task sends the watermark downstream
 * in-band. (Spark's own operator only reports event-time statistics to the driver between batches.)
 */
public final class RealTimeWatermarkExec extends SparkPlan {
  private final SparkPlan original;
  private final Attribute eventTime;
  private final long delayMs;
  private final SparkPlan child;

  /** @param original Spark's watermark operator, whose output (with the watermark metadata) is kept */
  public RealTimeWatermarkExec(SparkPlan original, Attribute eventTime, long delayMs, SparkPlan child) {
    this.original = original;
    this.eventTime = eventTime;
    this.delayMs = delayMs;
    this.child = child;
  }

  @Override
  public Seq<Attribute> output() {
    return original.output();
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
    return new RealTimeWatermarkExec(original, eventTime, delayMs, newChildren.head());
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Seq<Attribute> input = child.output();
    Attribute column = eventTime;
    long delay = delayMs;
    return child.execute().toJavaRDD().mapPartitions((Iterator<InternalRow> rows) -> {
      TaskEventTime events = TaskEventTime.of(TaskContext.get().taskAttemptId());
      UnsafeProjection micros = UnsafeProjection.create(
          CollectionConverters.asScala(List.<org.apache.spark.sql.catalyst.expressions.Expression>of(column)).toSeq(),
          input);
      return new Iterator<InternalRow>() {
        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public InternalRow next() {
          InternalRow row = rows.next();
          InternalRow ts = micros.apply(row);
          if (!ts.isNullAt(0)) {
            events.observe(Math.floorDiv(ts.getLong(0), 1000L), delay);
          }
          return row;
        }
      };
    }, true).rdd();
  }

  @Override
  public String nodeName() {
    return "RealTimeWatermark";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " " + eventTime + ", delay " + delayMs + " ms";
  }

  @Override
  public int productArity() {
    return 4;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return original;
      case 1: return eventTime;
      case 2: return delayMs;
      case 3: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeWatermarkExec;
  }
}
