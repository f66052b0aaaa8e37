package io.rtm.plugin;

import io.rtm.operators.aggregate.DeduplicationTime;
import io.rtm.operators.aggregate.EpochStateStores;
import io.rtm.operators.aggregate.WatermarkMetrics;
import io.rtm.operators.aggregate.EventTimeSpec;
import io.rtm.operators.eventtime.RealTimeWatermarkExec;
import io.rtm.operators.aggregate.RealTimeAggregateExec;
import io.rtm.operators.aggregate.RealTimeDeduplicateExec;
import io.rtm.operators.aggregate.RealTimeSessionAggregateExec;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.plans.logical.EventTimeWatermark$;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.execution.streaming.operators.stateful.EventTimeWatermarkExec;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.MergingSessionsExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.SessionWindowStateStoreSaveExec;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.StateStoreSaveExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.StreamingDeduplicateExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.StreamingDeduplicateWithinWatermarkExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.WatermarkSupport$;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.execution.streaming.operators.stateful.StatefulOperatorStateInfo;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Replaces Spark's blocking stateful operators with the real-time ones: the streaming aggregation
 * chain with {@link RealTimeAggregateExec}, {@code StreamingDeduplicateExec} with
 * {@link RealTimeDeduplicateExec}.
 *
 * <p>Spark 4.2.0 plans a streaming aggregation ({@code AggUtils.planStreamingAggregation}) as
 * {@code final agg <- StateStoreSave <- merge <- StateStoreRestore <- merge <- Exchange <- partial agg}.
 * Every aggregate in it consumes its whole input before it emits, so it would emit only when an epoch
 * ends. The rewrite keeps the exchange (rows still meet their group in one task), removes the
 * partial aggregate (the producer ships the raw rows plus any computed grouping column) and puts one
 * row-at-a-time operator in place of the reducer side, using the state location Spark assigned to
 * the {@code StateStoreSave} (checkpoint, operator id).
 */
final class StatefulRewrite {
  private final SQLConf conf;
  private final Configuration hadoopConf;

  StatefulRewrite(SQLConf conf, Configuration hadoopConf) {
    this.conf = conf;
    this.hadoopConf = hadoopConf;
  }

  SparkPlan apply(SparkPlan node) {
    if (node instanceof BaseAggregateExec finalAgg && finalAgg.child() instanceof StateStoreSaveExec save) {
      return replace(finalAgg, save);
    }
    if (node instanceof BaseAggregateExec finalAgg && finalAgg.child() instanceof SessionWindowStateStoreSaveExec save) {
      return replaceSessions(finalAgg, save);
    }
    if (node instanceof EventTimeWatermarkExec watermark) {
      return new RealTimeWatermarkExec(watermark, watermark.eventTime(),
          EventTimeWatermark$.MODULE$.getDelayMs(watermark.delay()), apply(watermark.child()));
    }
    if (node instanceof StreamingDeduplicateExec dedup) {
      StructType dummyValue = new StructType().add("__dummy__", DataTypes.NullType);
      return deduplicate(dedup.keyExpressions(), dedup.stateInfo().get(), dummyValue, false, dedup.child());
    }
    if (node instanceof StreamingDeduplicateWithinWatermarkExec dedup) {
      StructType expiry = new StructType().add("expiresAtMicros", DataTypes.LongType, false);
      return deduplicate(dedup.keyExpressions(), dedup.stateInfo().get(), expiry, true, dedup.child());
    }
    List<SparkPlan> children = new ArrayList<>();
    boolean changed = false;
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      SparkPlan rewritten = apply(child);
      changed |= rewritten != child;
      children.add(rewritten);
    }
    return changed ? node.withNewChildren(CollectionConverters.asScala(children).toSeq()) : node;
  }

  private SparkPlan replace(BaseAggregateExec finalAgg, StateStoreSaveExec save) {
    // With one input partition Spark plans no exchange: the partial aggregate is the chain's bottom.
    ShuffleExchangeExec exchange = null;
    BaseAggregateExec partialAgg = null;
    for (SparkPlan p = save.child(); ; p = p.children().head()) {
      if (p instanceof ShuffleExchangeExec e) {
        exchange = e;
      } else if (p instanceof BaseAggregateExec a && (exchange != null || !(a.child() instanceof BaseAggregateExec)
          && !(a.child() instanceof ShuffleExchangeExec) && !isRestore(a.child()))) {
        partialAgg = a;
        break;
      }
      if (p.children().size() != 1) {
        throw RtmErrors.unsupportedOperator(((SparkPlan) finalAgg).nodeName(),
            "the streaming aggregation has an unexpected plan shape below its state store");
      }
    }
    SparkPlan input = shipRawRows(partialAgg, exchange);

    List<AggregateExpression> complete = new ArrayList<>();
    List<Attribute> bufferAttributes = new ArrayList<>();
    for (AggregateExpression ae : CollectionConverters.asJava(partialAgg.aggregateExpressions())) {
      if (ae.isDistinct()) {
        throw RtmErrors.unsupportedOperator(ae.sql(), "distinct aggregates are not supported in real-time mode yet");
      }
      complete.add(new AggregateExpression(ae.aggregateFunction(), Complete$.MODULE$, false, ae.filter(), ae.resultId()));
      bufferAttributes.addAll(CollectionConverters.asJava(ae.aggregateFunction().aggBufferAttributes()));
    }
    List<Attribute> keys = new ArrayList<>();
    for (NamedExpression g : CollectionConverters.asJava(finalAgg.groupingExpressions())) {
      keys.add(g.toAttribute());
    }
    EventTimeSpec eventTime = eventTimeOf(keys, save);
    EpochStateStores stores = stores(save.stateInfo().get(),
        DataTypeUtils.fromAttributes(seq(keys)), DataTypeUtils.fromAttributes(seq(bufferAttributes)), eventTime != null);
    return new RealTimeAggregateExec(finalAgg.groupingExpressions(), seq(complete),
        finalAgg.aggregateAttributes(), finalAgg.resultExpressions(), stores,
        eventTime, droppedByWatermark(), input);
  }

  /** The producer side: raw rows plus any computed grouping column, through the exchange if any. */
  private SparkPlan shipRawRows(BaseAggregateExec partialAgg, ShuffleExchangeExec exchange) {
    SparkPlan mapSide = apply(partialAgg.child());
    Set<Long> present = CollectionConverters.asJava(mapSide.output()).stream()
        .map(a -> a.exprId().id()).collect(Collectors.toSet());
    List<NamedExpression> shipped = new ArrayList<>(CollectionConverters.asJava(mapSide.output()));
    for (NamedExpression g : CollectionConverters.asJava(partialAgg.groupingExpressions())) {
      if (!present.contains(g.exprId().id())) {
        shipped.add(g); // a computed grouping key (groupBy(expr)) travels with the row
      }
    }
    SparkPlan project = new ProjectExec(CollectionConverters.asScala(shipped).toList(), mapSide);
    return exchange == null ? project
        : exchange.withNewChildren(CollectionConverters.asScala(List.of(project)).toSeq());
  }

  private SparkPlan deduplicate(Seq<Attribute> keys, StatefulOperatorStateInfo info, StructType valueSchema,
      boolean withinWatermark, SparkPlan child) {
    DeduplicationTime time = deduplicationTime(keys, child.output(), withinWatermark);
    EpochStateStores stores = stores(info, DataTypeUtils.fromAttributes(keys), valueSchema, time != null);
    return new RealTimeDeduplicateExec(keys, time, stores, droppedByWatermark(), apply(child));
  }

  /**
   * Event time of a deduplication, where Spark 4.2.0's {@code WatermarkSupport} finds it: the input
   * column carrying the watermark metadata (a window's end for a window column) for late rows, the
   * key column carrying it for eviction. Null over a stream without a watermark.
   */
  private static DeduplicationTime deduplicationTime(Seq<Attribute> keys, Seq<Attribute> input,
      boolean withinWatermark) {
    scala.Option<Attribute> column = WatermarkSupport$.MODULE$.findEventTimeColumn(input, true);
    if (column.isEmpty()) {
      return null;
    }
    Expression keyTime = null;
    for (Attribute key : CollectionConverters.asJava(keys)) {
      if (key.metadata().contains(EventTimeWatermark$.MODULE$.delayKey())) {
        keyTime = timeOf(key);
        break;
      }
    }
    long delayMs = withinWatermark ? column.get().metadata().getLong(EventTimeWatermark$.MODULE$.delayKey()) : -1L;
    return new DeduplicationTime(timeOf(column.get()), withinWatermark ? null : keyTime, delayMs);
  }

  private static Expression timeOf(Attribute eventTime) {
    if (eventTime.dataType() instanceof StructType struct) {
      return new GetStructField(eventTime, struct.fieldIndex("end"), scala.Option.apply("end"));
    }
    return eventTime;
  }

  private static SQLMetric droppedByWatermark() {
    return WatermarkMetrics.droppedByWatermark(SparkContext.getOrCreate());
  }

  /**
   * Spark 4.2.0 plans a session-window aggregation ({@code AggUtils.planStreamingAggregationForSession})
   * as {@code final agg <- SessionWindowStateStoreSave <- MergingSessions <- SessionWindowStateStoreRestore
   * <- Sort <- Exchange <- partial agg}, every step blocking. Like {@link #replace}, the exchange stays
   * (by the grouping columns without the session) and one row-at-a-time operator takes the reducer side.
   */
  private SparkPlan replaceSessions(BaseAggregateExec finalAgg, SessionWindowStateStoreSaveExec save) {
    if (save.outputMode().isEmpty() || !save.outputMode().get().equals(OutputMode.Append())) {
      throw RtmErrors.unsupportedOperator("session_window", "session windows run in append output mode only");
    }
    ShuffleExchangeExec exchange = null;
    BaseAggregateExec partialAgg = null;
    for (SparkPlan p = save.child(); ; p = p.children().head()) {
      if (p instanceof ShuffleExchangeExec e) {
        exchange = e;
      } else if (p instanceof BaseAggregateExec a && !(p instanceof MergingSessionsExec)) {
        partialAgg = a;
        break;
      }
      if (p.children().size() != 1) {
        throw RtmErrors.unsupportedOperator("session_window",
            "the session window aggregation has an unexpected plan shape below its state store");
      }
    }
    SparkPlan input = shipRawRows(partialAgg, exchange);
    List<AggregateExpression> complete = new ArrayList<>();
    List<Attribute> bufferAttributes = new ArrayList<>();
    for (AggregateExpression ae : CollectionConverters.asJava(partialAgg.aggregateExpressions())) {
      complete.add(new AggregateExpression(ae.aggregateFunction(), Complete$.MODULE$, false, ae.filter(), ae.resultId()));
      bufferAttributes.addAll(CollectionConverters.asJava(ae.aggregateFunction().aggBufferAttributes()));
    }
    StructType bufferSchema = DataTypeUtils.fromAttributes(seq(bufferAttributes));
    StructType keySchema = DataTypeUtils.fromAttributes(save.keyWithoutSessionExpressions())
        .add("sessionStart", DataTypes.LongType, false);
    StructType valueSchema = new StructType().add("sessionEnd", DataTypes.LongType, false).merge(bufferSchema, true);
    // Read by the grouping columns (all key columns but the session start): a record finds its
    // key's sessions in the store, not in a heap map.
    EpochStateStores stores = stores(save.stateInfo().get(), keySchema, valueSchema, true, keySchema.size() - 1);
    return new RealTimeSessionAggregateExec(finalAgg.groupingExpressions(), save.sessionExpression(),
        save.keyWithoutSessionExpressions(), seq(complete), finalAgg.aggregateAttributes(),
        finalAgg.resultExpressions(), bufferSchema, stores, droppedByWatermark(), input);
  }

  private static boolean isRestore(SparkPlan p) {
    return p.getClass().getSimpleName().equals("StateStoreRestoreExec");
  }

  /**
   * Event time of a watermarked aggregation: the grouping key that carries the watermark metadata
   * (a window's end, or a timestamp key). Null when no grouping
   * key carries event time: such groups never become final, as in Spark.
   */
  private static EventTimeSpec eventTimeOf(List<Attribute> keys, StateStoreSaveExec save) {
    Expression keyTime = null;
    for (Attribute key : keys) {
      if (key.metadata().contains(EventTimeWatermark$.MODULE$.delayKey())) {
        if (key.dataType() instanceof StructType struct) {
          keyTime = new GetStructField(key, struct.fieldIndex("end"), scala.Option.apply("end"));
        } else {
          keyTime = key;
        }
        break;
      }
    }
    if (keyTime == null) {
      return null;
    }
    boolean append = save.outputMode().isDefined() && save.outputMode().get().equals(OutputMode.Append());
    return new EventTimeSpec(keyTime, append);
  }

  /** The operator's state, where Spark's planner put it: checkpoint location and operator id. */
  private EpochStateStores stores(StatefulOperatorStateInfo info, StructType keySchema, StructType valueSchema,
      boolean readsEventTime) {
    return stores(info, keySchema, valueSchema, readsEventTime, 0);
  }

  private EpochStateStores stores(StatefulOperatorStateInfo info, StructType keySchema, StructType valueSchema,
      boolean readsEventTime, int prefixColumns) {
    return new EpochStateStores(info.checkpointLocation(), info.queryRunId(), info.operatorId(),
        keySchema, valueSchema, StateStoreSettings.forRealTime(conf),
        readsEventTime ? StateStoreSettings.forWatermark(conf) : null, new SerializableConfiguration(hadoopConf),
        StateStoreSettings.timeIndexEntries(conf), prefixColumns);
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }
}
