package io.rtm.plugin;

import io.rtm.operators.EpochInputExec;
import io.rtm.operators.RowPartitioner;
import io.rtm.operators.StageInputSpec;
import io.rtm.operators.StageOutputSpec;
import io.rtm.operators.aggregate.RealTimeAggregateExec;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.RoundRobinPartitioning;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.CollapseCodegenStages;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.datasources.v2.ContinuousScanExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeLike;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Cuts Spark's prepared physical plan into pipeline stages at its shuffle exchanges.
 *
 * <p>Each exchange becomes a producer stage (everything below it, writing to the pipelined shuffle)
 * and an {@link EpochInputExec} leaf in the stage above; the continuous scan becomes the leaf of the
 * source stage. Whole-stage code generation is undone first and redone per stage with Spark's own
 * {@code CollapseCodegenStages}, so the new leaves sit under an {@code InputAdapter} as any
 * non-generated input would. Operators outside {@link #RUNNABLE} are refused by name: they block
 * (sort), keep state, or read more than one input.
 */
final class StagePlanner {
  /** Physical operators that work row by row and may run inside a long-lived stage. */
  private static final Set<String> RUNNABLE = Set.of(
      "ProjectExec", "FilterExec", "SerializeFromObjectExec", "DeserializeToObjectExec",
      "MapElementsExec", "MapPartitionsExec", "AppendColumnsExec", "AppendColumnsWithObjectExec",
      "GenerateExec", "ExpandExec", "BatchEvalPythonExec", "ArrowEvalPythonExec",
      "BroadcastHashJoinExec", "BroadcastNestedLoopJoinExec", "ShuffledHashJoinExec", "EventTimeWatermarkExec",
      "EpochInputExec", "RealTimeAggregateExec", "RealTimeDeduplicateExec", "RealTimeWatermarkExec");

  private final PluginSettings.QuerySettings settings;
  private final List<PlannedStage> stages = new ArrayList<>();
  private final AtomicInteger codegenStageIds = new AtomicInteger(0);

  private StagePlanner(PluginSettings.QuerySettings settings) {
    this.settings = settings;
  }

  /**
   * Stages in start order: every producer before its consumer; the sink stage last.
   *
   * @param sinkWriters the sink's writer factory for the sink stage's number of partitions
   */
  static List<PlannedStage> plan(SparkPlan prepared, IntFunction<StreamingDataWriterFactory> sinkWriters,
      PluginSettings.QuerySettings settings) {
    StagePlanner planner = new StagePlanner(settings);
    planner.buildStage(stripCodegen(prepared), n -> new StageOutputSpec.Sink(sinkWriters.apply(n)));
    return List.copyOf(planner.stages);
  }

  private int buildStage(SparkPlan top, IntFunction<StageOutputSpec> outputForPartitions) {
    List<StageInputSpec> inputs = new ArrayList<>();
    List<String> inputNames = new ArrayList<>();
    int[] partitions = {-1};
    SparkPlan operators = rewrite(top, inputs, inputNames, partitions);
    if (inputs.size() != 1) {
      throw RtmErrors.multipleInputsInStage(inputs.size(), String.join(", ", inputNames));
    }
    SparkPlan generated = new CollapseCodegenStages(codegenStageIds).apply(operators);
    int id = stages.size();
    stages.add(new PlannedStage(id, generated, partitions[0], inputs.get(0),
        outputForPartitions.apply(partitions[0])));
    return id;
  }

  private SparkPlan rewrite(SparkPlan node, List<StageInputSpec> inputs, List<String> names, int[] partitions) {
    if (node instanceof RealTimeAggregateExec agg && agg.closesByEventTime()
        && agg.children().head() instanceof ShuffleExchangeExec exchange) {
      // The aggregate reads the shuffle directly and closes windows on watermark ticks from it.
      SparkPlan leaf = rewriteExchange(exchange, true, inputs, names, partitions);
      return agg.withNewChildren(CollectionConverters.asScala(List.of(leaf)).toSeq());
    }
    if (node instanceof ShuffleExchangeExec exchange && !StreamStaticJoinRewrite.readsStream(exchange)) {
      // The static side of a shuffled stream-static join: a batch shuffle Spark runs once per run.
      return node;
    }
    if (node instanceof ShuffleExchangeExec exchange) {
      return rewriteExchange(exchange, false, inputs, names, partitions);
    }
    if (node instanceof ContinuousScanExec scan) {
      return rewriteScan(scan, inputs, names, partitions);
    }
    if (node instanceof BroadcastExchangeLike) {
      return node; // the static side of a stream-static join: a batch plan Spark broadcasts once
    }
    String name = node.getClass().getSimpleName();
    if (!RUNNABLE.contains(name)) {
      throw RtmErrors.unsupportedOperator(node.nodeName(),
          "it is not a row-by-row operator the real-time engine can run inside a long-lived stage");
    }
    List<SparkPlan> children = new ArrayList<>();
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      children.add(rewrite(child, inputs, names, partitions));
    }
    return children.isEmpty() ? node : node.withNewChildren(CollectionConverters.asScala(children).toSeq());
  }

  private SparkPlan rewriteExchange(ShuffleExchangeExec exchange, boolean watermarkTicks,
      List<StageInputSpec> inputs, List<String> names, int[] partitions) {
    SparkPlan child = exchange.child();
    Partitioning partitioning = exchange.outputPartitioning();
    int reducers = partitioning.numPartitions();
    StageOutputSpec toExchange = new StageOutputSpec.Shuffle(
        partitionerOf(partitioning, child.output(), exchange), reducers, schemaOf(child.output()));
    int upstream = buildStage(child, n -> toExchange);
    inputs.add(new StageInputSpec.Shuffle(upstream, stages.get(upstream).numPartitions(),
        exchange.output().size(), settings.producerWaitMs(), watermarkTicks));
    names.add("shuffle " + partitioning);
    partitions[0] = reducers;
    return new EpochInputExec(exchange.output(), reducers, "shuffle from stage " + upstream);
  }

  private SparkPlan rewriteScan(ContinuousScanExec scan, List<StageInputSpec> inputs, List<String> names,
      int[] partitions) {
    int n = scan.inputPartitions().size();
    inputs.add(new StageInputSpec.Source(
        scan.readerFactory(),
        CollectionConverters.asJava(scan.inputPartitions())
            .toArray(new org.apache.spark.sql.connector.read.InputPartition[0]),
        schemaOf(scan.output()),
        settings.sourceQueueSize(),
        settings.epochPollIntervalMs(),
        settings.kafkaDirectPoll()));
    names.add("source " + scan.stream());
    partitions[0] = n;
    return new EpochInputExec(scan.output(), n, "source " + scan.stream());
  }

  private static RowPartitioner.Spec partitionerOf(Partitioning p, Seq<Attribute> input, SparkPlan exchange) {
    if (p instanceof HashPartitioning h) {
      return new RowPartitioner.ByExpression(h.partitionIdExpression(), input);
    }
    if (p == SinglePartition$.MODULE$) {
      return new RowPartitioner.ByExpression(Literal.create(0, org.apache.spark.sql.types.DataTypes.IntegerType), input);
    }
    if (p instanceof RoundRobinPartitioning r) {
      return new RowPartitioner.RoundRobin(r.numPartitions());
    }
    throw RtmErrors.unsupportedPartitioning(p.toString(), exchange.nodeName());
  }

  private static StructType schemaOf(Seq<Attribute> attrs) {
    return org.apache.spark.sql.catalyst.types.DataTypeUtils.fromAttributes(attrs);
  }

  /** Whether a stage computes a watermark (its source partitions then follow the idle rule). */
  static boolean holdsWatermark(SparkPlan plan) {
    if (plan instanceof io.rtm.operators.eventtime.RealTimeWatermarkExec) {
      return true;
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (holdsWatermark(child)) {
        return true;
      }
    }
    return false;
  }

  /** Removes whole-stage code generation so leaves can be replaced; it is redone per stage. */
  static SparkPlan stripCodegen(SparkPlan node) {
    if (node instanceof WholeStageCodegenExec w) {
      return stripCodegen(w.child());
    }
    if (node instanceof InputAdapter a) {
      return stripCodegen(a.child());
    }
    // Broadcast (static) sides too: CollapseCodegenStages later runs over the whole stage, and a
    // generated subtree left inside would be wrapped a second time.
    List<SparkPlan> children = new ArrayList<>();
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      children.add(stripCodegen(child));
    }
    return children.isEmpty() ? node : node.withNewChildren(CollectionConverters.asScala(children).toSeq());
  }
}
