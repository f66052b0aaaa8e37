package io.rtm.plugin;

import io.rtm.operators.source.CompositeTable;
import io.rtm.operators.source.SubStreamTable;
import io.rtm.operators.source.ThrottledReconfigurationTable;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.streaming.StreamingRelationV2;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lets a real-time query read several streams although Spark 4.2.0's {@code ContinuousExecution}
 * runs exactly one continuous source. Before analysis goes on, the first stream leaf is given a
 * {@link CompositeTable} that scans every source of the query, and every other stream leaf a
 * {@link SubStreamTable}, which {@code ContinuousExecution} does not take for a source (it only turns
 * {@code SupportsRead} relations into sources; checked against {@code ContinuousExecution.logicalPlan}
 * in 4.2.0). Every leaf keeps its own output attributes, so the plan above is untouched; the stage
 * planner later binds each leaf to its own source's partitions of the one composite scan.
 */
final class MultiSourceRewrite {
  private MultiSourceRewrite() {}

  /**
   * The plan with its stream leaves rewritten: several streams become one composite source; a single
   * stream keeps its source, whose partitions Spark then checks at most once per
   * {@code reconfigurationCheckIntervalMs} (0: the plan itself, checked at every epoch).
   */
  static LogicalPlan apply(LogicalPlan plan, long reconfigurationCheckIntervalMs) {
    List<StreamingRelationV2> occurrences = new ArrayList<>();
    collect(plan, occurrences);
    List<StreamingRelationV2> leaves = occurrences.stream().distinct().toList();
    if (leaves.size() < occurrences.size()) {
      // Both occurrences would have the same output; Spark's continuous engine would count two
      // sources and fail on its first commit.
      throw RtmErrors.unsupportedOperator(leaves.get(0).sourceName(),
          "the query reads the same streaming DataFrame twice (e.g. df.union(df)); read the source with a"
              + " second readStream call instead");
    }
    if (leaves.isEmpty() || leaves.stream().anyMatch(l -> !(l.table() instanceof SupportsRead))) {
      return plan;
    }
    if (leaves.size() == 1) {
      StreamingRelationV2 leaf = leaves.get(0);
      return reconfigurationCheckIntervalMs <= 0 ? plan : replace(plan, Map.of(leaf, withTable(leaf, leaf.source(),
          new ThrottledReconfigurationTable((SupportsRead) leaf.table(), reconfigurationCheckIntervalMs),
          leaf.v1Relation())));
    }
    List<CompositeTable.Sub> subs = new ArrayList<>();
    for (StreamingRelationV2 leaf : leaves) {
      subs.add(new CompositeTable.Sub(leaf.table(), leaf.extraOptions(),
          DataTypeUtils.fromAttributes(attributes(leaf)), ids(leaf.output())));
    }
    Map<StreamingRelationV2, LogicalPlan> replacements = new HashMap<>();
    for (int i = 0; i < leaves.size(); i++) {
      StreamingRelationV2 leaf = leaves.get(i);
      replacements.put(leaf, withTable(leaf, i == 0 ? leaf.source() : Option.empty(),
          i == 0 ? new CompositeTable(subs, reconfigurationCheckIntervalMs)
              : new SubStreamTable(leaf.table().name(), subs.get(i).schema()),
          Option.empty()));
    }
    return replace(plan, replacements);
  }

  /** {@code leaf} reading {@code table}, with its own name, options, output and catalog entry. */
  private static StreamingRelationV2 withTable(StreamingRelationV2 leaf,
      Option<org.apache.spark.sql.connector.catalog.TableProvider> source,
      org.apache.spark.sql.connector.catalog.Table table, Option<LogicalPlan> v1Relation) {
    return new StreamingRelationV2(source, leaf.sourceName(), table, leaf.extraOptions(), leaf.output(),
        leaf.catalog(), leaf.identifier(), v1Relation, leaf.sourceIdentifyingName());
  }

  /** Expression ids of a leaf's output: how a planned leaf is matched back to its source. */
  static List<Long> ids(Seq<? extends Attribute> output) {
    List<Long> ids = new ArrayList<>();
    for (Attribute a : CollectionConverters.asJava(output)) {
      ids.add(a.exprId().id());
    }
    return ids;
  }

  @SuppressWarnings("unchecked")
  private static Seq<Attribute> attributes(StreamingRelationV2 leaf) {
    return (Seq<Attribute>) (Seq<?>) leaf.output();
  }

  private static void collect(LogicalPlan node, List<StreamingRelationV2> leaves) {
    if (node instanceof StreamingRelationV2 leaf) {
      leaves.add(leaf);
      return;
    }
    for (LogicalPlan child : CollectionConverters.asJava(node.children())) {
      collect(child, leaves);
    }
  }

  private static LogicalPlan replace(LogicalPlan node, Map<StreamingRelationV2, LogicalPlan> replacements) {
    if (node instanceof StreamingRelationV2 leaf) {
      return replacements.getOrDefault(leaf, leaf);
    }
    List<LogicalPlan> children = CollectionConverters.asJava(node.children());
    if (children.isEmpty()) {
      return node;
    }
    List<LogicalPlan> rewritten = new ArrayList<>();
    for (LogicalPlan child : children) {
      rewritten.add(replace(child, replacements));
    }
    return node.withNewChildren(CollectionConverters.asScala(rewritten).toSeq());
  }
}
