package io.rtm.operators.aggregate;

import io.rtm.operators.eventtime.EventTimeOperator;
import io.rtm.operators.eventtime.TaskEventTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A {@code session_window} aggregation in real-time mode (append output mode, the only one Spark
 * allows for session windows): sessions merge per key as records arrive and each leaves once, when
 * the in-band watermark passes its end ({@link EpochSessionAggregation}). It replaces Spark's
 * blocking chain (partial aggregate, exchange, sort, session restore, merging sessions, session save,
 * final aggregate) on the reducer side; the producer ships raw rows hash-partitioned by the grouping
 * columns without the session, so all sessions of a key live in one task.
 */
public final class RealTimeSessionAggregateExec extends SparkPlan implements EventTimeOperator {
  private final Seq<NamedExpression> groupingExpressions;
  private final Attribute session;
  private final Seq<Attribute> groupsWithoutSession;
  private final Seq<AggregateExpression> completeModeExpressions;
  private final Seq<Attribute> aggregateAttributes;
  private final Seq<NamedExpression> resultExpressions;
  private final StructType bufferSchema;
  private final EpochStateStores stateStores;
  private final SQLMetric droppedByWatermark;
  private final SparkPlan child;

  public RealTimeSessionAggregateExec(Seq<NamedExpression> groupingExpressions, Attribute session,
      Seq<Attribute> groupsWithoutSession, Seq<AggregateExpression> completeModeExpressions,
      Seq<Attribute> aggregateAttributes, Seq<NamedExpression> resultExpressions, StructType bufferSchema,
      EpochStateStores stateStores, SQLMetric droppedByWatermark, SparkPlan child) {
    this.groupingExpressions = groupingExpressions;
    this.session = session;
    this.groupsWithoutSession = groupsWithoutSession;
    this.completeModeExpressions = completeModeExpressions;
    this.aggregateAttributes = aggregateAttributes;
    this.resultExpressions = resultExpressions;
    this.bufferSchema = bufferSchema;
    this.stateStores = stateStores;
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
    return new RealTimeSessionAggregateExec(groupingExpressions, session, groupsWithoutSession,
        completeModeExpressions, aggregateAttributes, resultExpressions, bufferSchema, stateStores,
        droppedByWatermark, newChildren.head());
  }

  @Override
  public scala.collection.immutable.Map<String, SQLMetric> metrics() {
    return WatermarkMetrics.asMap(droppedByWatermark);
  }

  @Override
  public boolean closesByEventTime() {
    return true;
  }

  @Override
  public boolean emitsOnWatermark() {
    return true;
  }

  @Override
  public RDD<InternalRow> doExecute() {
    Seq<Attribute> input = child.output();
    Seq<NamedExpression> grouping = groupingExpressions;
    Seq<AggregateExpression> expressions = completeModeExpressions;
    Seq<Attribute> aggregates = aggregateAttributes;
    Seq<NamedExpression> results = resultExpressions;
    Attribute sessionColumn = session;
    Seq<Attribute> others = groupsWithoutSession;
    StructType buffer = bufferSchema;
    EpochStateStores stores = stateStores;
    SQLMetric dropped = droppedByWatermark;
    List<Attribute> keys = new ArrayList<>();
    int sessionPosition = -1;
    for (NamedExpression e : CollectionConverters.asJava(groupingExpressions)) {
      if (e.exprId().equals(session.exprId())) {
        sessionPosition = keys.size();
      }
      keys.add(e.toAttribute());
    }
    StructType groupingSchema = DataTypeUtils.fromAttributes(CollectionConverters.asScala(keys).toList());
    int position = sessionPosition;
    return child.execute().toJavaRDD().mapPartitionsWithIndex(
        (Integer partition, Iterator<InternalRow> rows) -> {
          TaskContext context = TaskContext.get();
          return EpochStatefulTask.forTask(context, partition, stores,
              () -> new EpochSessionAggregation(new RowAggregator(grouping, input, expressions, aggregates, results),
                  new BufferMerger(expressions), buffer, input, sessionColumn, others, groupingSchema, position,
                  TaskEventTime.of(context.taskAttemptId()), dropped, stores.timeIndexEntries()))
              .run(rows);
        }, true).rdd();
  }

  @Override
  public String nodeName() {
    return "RealTimeSessionAggregate";
  }

  @Override
  public String simpleString(int maxFields) {
    return nodeName() + " keys=" + groupingExpressions.mkString("[", ", ", "]")
        + " functions=" + completeModeExpressions.mkString("[", ", ", "]");
  }

  @Override
  public int productArity() {
    return 10;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return groupingExpressions;
      case 1: return session;
      case 2: return groupsWithoutSession;
      case 3: return completeModeExpressions;
      case 4: return aggregateAttributes;
      case 5: return resultExpressions;
      case 6: return bufferSchema;
      case 7: return stateStores;
      case 8: return droppedByWatermark;
      case 9: return child;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeSessionAggregateExec;
  }
}
