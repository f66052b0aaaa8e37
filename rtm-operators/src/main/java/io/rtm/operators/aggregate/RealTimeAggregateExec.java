package io.rtm.operators.aggregate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import io.rtm.operators.eventtime.TaskEventTime;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import io.rtm.operators.eventtime.EventTimeOperator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * A streaming aggregation that emits as records arrive (update output mode): each input row updates
 * its group's buffer in the state store and the group's new result leaves at once. It replaces
 * Spark's blocking chain (partial aggregate, exchange, restore, merge, save, final aggregate) on the
 * reducer side; the producer side ships raw rows, hash-partitioned by the grouping key, so every
 * group lives in exactly one task. State is committed once per epoch, when the epoch's input ends.
 */
public final class RealTimeAggregateExec extends SparkPlan implements EventTimeOperator {
  private final Seq<NamedExpression> groupingExpressions;
  private final Seq<AggregateExpression> completeModeExpressions;
  private final Seq<Attribute> aggregateAttributes;
  private final Seq<NamedExpression> resultExpressions;
  private final EpochStateStores stateStores;
  private final EventTimeSpec eventTime;
  private final SQLMetric droppedByWatermark;
  private final SparkPlan child;

  /** @param eventTime null unless the stream is watermarked and a grouping key carries event time */
  public RealTimeAggregateExec(
      Seq<NamedExpression> groupingExpressions,
      Seq<AggregateExpression> completeModeExpressions,
      Seq<Attribute> aggregateAttributes,
      Seq<NamedExpression> resultExpressions,
      EpochStateStores stateStores,
      EventTimeSpec eventTime,
      SQLMetric droppedByWatermark,
      SparkPlan child) {
    this.groupingExpressions = groupingExpressions;
    this.completeModeExpressions = completeModeExpressions;
    this.aggregateAttributes = aggregateAttributes;
    this.resultExpressions = resultExpressions;
    this.stateStores = stateStores;
    this.eventTime = eventTime;
    this.droppedByWatermark = droppedByWatermark;
    this.child = child;
  }

  @Override
  public Seq<Attribute> output() {
    List<Attribute> out = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(resultExpressions)) {
      out.add(e.toAttribute());
    }
    return CollectionConverters.asScala(out).toList();
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
    return new RealTimeAggregateExec(groupingExpressions, completeModeExpressions, aggregateAttributes,
        resultExpressions, stateStores, eventTime, droppedByWatermark, newChildren.head());
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return WatermarkMetrics.asMap(droppedByWatermark);
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Seq<Attribute> input = child.output();
    Seq<NamedExpression> grouping = groupingExpressions;
    Seq<AggregateExpression> expressions = completeModeExpressions;
    Seq<Attribute> aggregates = aggregateAttributes;
    Seq<NamedExpression> results = resultExpressions;
    EpochStateStores stores = stateStores;
    EventTimeSpec time = eventTime;
    SQLMetric dropped = droppedByWatermark;
    Seq<Attribute> keys = groupingAttributes();
    return child.execute().toJavaRDD().mapPartitionsWithIndex(
        (Integer partition, Iterator<InternalRow> rows) -> {
          TaskContext context = TaskContext.get();
          return EpochStatefulTask.forTask(context, partition, stores,
              () -> new EpochAggregation(new RowAggregator(grouping, input, expressions, aggregates, results), stores,
                  TaskEventTime.of(context.taskAttemptId()), time, input, keys, dropped))
              .run(rows);
        }, true).rdd();
  }

  private Seq<Attribute> groupingAttributes() {
    List<Attribute> keys = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(groupingExpressions)) {
      keys.add(e.toAttribute());
    }
    return CollectionConverters.asScala(keys).toList();
  }

  /** Whether it consumes watermark ticks from its input (it closes groups by event time). */
  @Override
  public boolean closesByEventTime() {
    return eventTime != null;
  }

  @Override
  public boolean emitsOnWatermark() {
    return eventTime != null && eventTime.appendMode();
  }

  @Override
  public String nodeName() {
    return "RealTimeAggregate";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " keys=" + groupingExpressions.mkString("[", ", ", "]")
        + " functions=" + completeModeExpressions.mkString("[", ", ", "]")
        + " state=" + stateStores.checkpointLocation() + "/" + stateStores.operatorId();
  }

  @Override
  public int productArity() {
    return 8;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return groupingExpressions;
      case 1: return completeModeExpressions;
      case 2: return aggregateAttributes;
      case 3: return resultExpressions;
      case 4: return stateStores;
      case 5: return eventTime;
      case 6: return droppedByWatermark;
      case 7: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeAggregateExec;
  }

  static org.apache.spark.sql.types.StructType schemaOf(Seq<Attribute> attrs) {
    return DataTypeUtils.fromAttributes(attrs);
  }
}
