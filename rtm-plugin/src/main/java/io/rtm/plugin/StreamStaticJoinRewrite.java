package io.rtm.plugin;

import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.catalyst.optimizer.BuildRight$;
import org.apache.spark.sql.catalyst.optimizer.BuildSide;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftAnti$;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.LeftSemi$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.v2.ContinuousScanExec;
import org.apache.spark.sql.execution.joins.ShuffledHashJoinExec$;
import org.apache.spark.sql.execution.joins.SortMergeJoinExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Makes a shuffled stream-static join non-blocking. When the static side is too large to
 * broadcast, Spark 4.2.0 plans {@code SortMergeJoinExec} over two sorted shuffles; sorting the
 * stream means waiting for its end. The join becomes a {@code ShuffledHashJoinExec} that builds a
 * hash table from the static side's shuffle partition (a batch shuffle Spark runs once per query
 * run, before the long-lived reducer tasks start) and probes it with each streamed row as it
 * arrives. Both sides keep Spark's hash partitioning on the join keys, so a streamed row reaches
 * the reducer that holds its static partition.
 *
 * <p>Only the join types Spark allows for stream-static joins are turned over, each with the static
 * side as the build side (for outer joins that is the side the hash join may build).
 */
final class StreamStaticJoinRewrite {
  private StreamStaticJoinRewrite() {}

  static SparkPlan apply(SparkPlan node) {
    List<SparkPlan> children = new ArrayList<>();
    boolean changed = false;
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      SparkPlan rewritten = apply(child);
      changed |= rewritten != child;
      children.add(rewritten);
    }
    SparkPlan current = changed ? node.withNewChildren(CollectionConverters.asScala(children).toSeq()) : node;
    if (current instanceof SortMergeJoinExec smj) {
      boolean leftStreams = readsStream(smj.left());
      boolean rightStreams = readsStream(smj.right());
      if (leftStreams != rightStreams) {
        return toHashJoin(smj, leftStreams ? BuildRight$.MODULE$ : BuildLeft$.MODULE$);
      }
    }
    return current;
  }

  private static SparkPlan toHashJoin(SortMergeJoinExec smj, BuildSide build) {
    JoinType type = smj.joinType();
    boolean buildRight = build == BuildRight$.MODULE$;
    boolean allowed = type == Inner$.MODULE$
        || (buildRight && (type == LeftOuter$.MODULE$ || type == LeftSemi$.MODULE$ || type == LeftAnti$.MODULE$))
        || (!buildRight && type == RightOuter$.MODULE$);
    if (!allowed) {
      throw RtmErrors.unsupportedOperator(smj.nodeName() + " (" + type + ")",
          "a stream-static join of this type would have to wait for the end of the stream; use an inner join,"
              + " or an outer join that keeps every streamed row");
    }
    return ShuffledHashJoinExec$.MODULE$.apply(smj.leftKeys(), smj.rightKeys(), type, build, smj.condition(),
        unsorted(smj.left()), unsorted(smj.right()), false);
  }

  /** The sort merge join's input without the sort it required (the hash join needs none). */
  private static SparkPlan unsorted(SparkPlan side) {
    return side instanceof SortExec sort ? sort.child() : side;
  }

  static boolean readsStream(SparkPlan plan) {
    if (plan instanceof ContinuousScanExec
        || plan instanceof org.apache.spark.sql.execution.streaming.runtime.StreamingRelationExec) {
      return true; // the scan, or the leaf of another source of a multi-source query (MultiSourceRewrite)
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      if (readsStream(child)) {
        return true;
      }
    }
    return false;
  }
}
