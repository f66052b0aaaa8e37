package io.rtm.plugin;

import io.rtm.operators.join.JoinStateStores;
import io.rtm.operators.join.RealTimeStreamJoinExec;
import io.rtm.operators.join.StreamJoinSpec;
import io.rtm.plugin.errors.RtmErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.plans.Inner$;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.RightOuter$;
import org.apache.spark.sql.catalyst.plans.physical.HashPartitioning;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.execution.exchange.REQUIRED_BY_STATEFUL_OPERATOR$;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.join.StreamingSymmetricHashJoinExec;
import org.apache.spark.sql.execution.streaming.operators.stateful.StatefulOperatorStateInfo;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Replaces Spark's {@code StreamingSymmetricHashJoinExec} (Spark 4.2.0) with
 * {@link RealTimeStreamJoinExec}. Spark's join sits on two exchanges, one per side, hash-partitioned
 * on each side's join keys. They become one exchange over a union of both sides, each row widened to
 * {@code [side, join key..., left columns..., right columns...]} (the other side's columns null) and
 * hash-partitioned on the join key columns, so a key's rows of both sides still meet in one task, and
 * that task reads one input whose barriers align over both sides' producers.
 */
final class StreamJoinRewrite {
  private final SQLConf conf;
  private final Configuration hadoopConf;

  StreamJoinRewrite(SQLConf conf, Configuration hadoopConf) {
    this.conf = conf;
    this.hadoopConf = hadoopConf;
  }

  SparkPlan apply(SparkPlan node) {
    List<SparkPlan> children = new ArrayList<>();
    boolean changed = false;
    for (SparkPlan child : CollectionConverters.asJava(node.children())) {
      SparkPlan rewritten = apply(child);
      changed |= rewritten != child;
      children.add(rewritten);
    }
    SparkPlan current = changed ? node.withNewChildren(CollectionConverters.asScala(children).toSeq()) : node;
    return current instanceof StreamingSymmetricHashJoinExec join ? replace(join) : current;
  }

  private SparkPlan replace(StreamingSymmetricHashJoinExec join) {
    String type = joinTypeName(join.joinType());
    if (!(join.left() instanceof ShuffleExchangeExec left) || !(join.right() instanceof ShuffleExchangeExec right)) {
      throw RtmErrors.unsupportedOperator(join.nodeName(),
          "a stream-stream join whose sides are not both shuffled on the join keys is not supported yet");
    }
    int partitions = left.outputPartitioning().numPartitions();
    List<Expression> leftKeys = CollectionConverters.asJava(join.leftKeys());
    List<Expression> rightKeys = CollectionConverters.asJava(join.rightKeys());
    SparkPlan l = left.child();
    SparkPlan r = right.child();
    SparkPlan leftRows = new ProjectExec(widen(StreamJoinSpec.LEFT, leftKeys, l.output(), r.output()), l);
    SparkPlan rightRows = new ProjectExec(widen(StreamJoinSpec.RIGHT, rightKeys, l.output(), r.output()), r);
    UnionExec both = new UnionExec(CollectionConverters.asScala(List.of(leftRows, rightRows)).toSeq());
    List<Attribute> combined = CollectionConverters.asJava(both.output());
    List<Expression> keyColumns = new ArrayList<>(combined.subList(1, 1 + leftKeys.size()));
    ShuffleExchangeExec exchange = new ShuffleExchangeExec(
        new HashPartitioning(seq(keyColumns), partitions), both, REQUIRED_BY_STATEFUL_OPERATOR$.MODULE$, Option.empty());

    var condition = join.condition();
    StreamJoinSpec spec = new StreamJoinSpec(type, join.leftKeys(), join.rightKeys(), l.output(), r.output(),
        join.output(), condition.leftSideOnly(), condition.rightSideOnly(), condition.bothSides(), condition.full());
    StatefulOperatorStateInfo info = join.stateInfo().get();
    StructType keySchema = new StructType().add("side", DataTypes.IntegerType);
    for (int i = 0; i < leftKeys.size(); i++) {
      keySchema = keySchema.add("key" + i, leftKeys.get(i).dataType());
    }
    keySchema = keySchema.add("seq", DataTypes.LongType, false);
    StructType valueSchema = DataTypeUtils.fromAttributes(both.output()).add("matched", DataTypes.BooleanType, false);
    JoinStateStores stores = new JoinStateStores(info.checkpointLocation(), info.queryRunId(), info.operatorId(),
        keySchema, valueSchema, 1 + leftKeys.size(), StateStoreSettings.forRealTime(conf),
        new SerializableConfiguration(hadoopConf), StateStoreSettings.timeIndexEntries(conf));
    return new RealTimeStreamJoinExec(spec, stores, exchange);
  }

  private static String joinTypeName(JoinType type) {
    if (type == Inner$.MODULE$) {
      return "Inner";
    }
    if (type == LeftOuter$.MODULE$) {
      return "LeftOuter";
    }
    if (type == RightOuter$.MODULE$) {
      return "RightOuter";
    }
    throw RtmErrors.unsupportedOperator("StreamingSymmetricHashJoin",
        "a stream-stream " + type.sql() + " join is not supported in real-time mode yet (inner, left outer and"
            + " right outer are)");
  }

  /** One side's row in the shared layout: side, join key values, left columns, right columns. */
  private static Seq<NamedExpression> widen(int side, List<Expression> keys, Seq<Attribute> left, Seq<Attribute> right) {
    List<NamedExpression> out = new ArrayList<>();
    out.add(alias(Literal.create(side, DataTypes.IntegerType), "__rtm_side"));
    for (int i = 0; i < keys.size(); i++) {
      out.add(alias(keys.get(i), "__rtm_key" + i));
    }
    for (Attribute a : CollectionConverters.asJava(left)) {
      out.add(side == StreamJoinSpec.LEFT ? a : alias(Literal.create(null, a.dataType()), a.name()));
    }
    for (Attribute a : CollectionConverters.asJava(right)) {
      out.add(side == StreamJoinSpec.RIGHT ? a : alias(Literal.create(null, a.dataType()), a.name()));
    }
    return seq(out);
  }

  private static NamedExpression alias(Expression e, String name) {
    return new Alias(e, name, NamedExpression$.MODULE$.newExprId(),
        CollectionConverters.asScala(List.<String>of()).toList(), Option.empty(),
        CollectionConverters.asScala(List.<String>of()).toList());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }
}
