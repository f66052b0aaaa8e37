package io.rtm.plugin;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.execution.SparkPlan;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Root of a real-time query's physical plan, in place of {@code WriteToContinuousDataSourceExec}.
 * {@code ContinuousExecution} calls {@link #doExecute()} once per run; it blocks for the life of the
 * query, running every stage as its own concurrently submitted job ({@link RealTimeQueryRun}).
 */
public final class RealTimeWriteExec extends SparkPlan {
  private final transient StreamingWrite write;
  private final SparkPlan query;

  /** Public, and matching the product elements: Catalyst copies plan nodes through reflection. */
  public RealTimeWriteExec(StreamingWrite write, SparkPlan query) {
    this.write = write;
    this.query = query;
  }

  @Override
  public Seq<Attribute> output() {
    return CollectionConverters.asScala(java.util.List.<Attribute>of()).toList();
  }

  @Override
  public Seq<SparkPlan> children() {
    return CollectionConverters.asScala(java.util.List.of(query)).toList();
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return new RealTimeWriteExec(write, newChildren.head());
  }

  @Override
  public RDD<InternalRow> doExecute() {
    new RealTimeQueryRun(sparkContext(), write, query, conf(), session().sessionState().newHadoopConf()).run();
    return sparkContext().emptyRDD(ClassTag$.MODULE$.apply(InternalRow.class));
  }

  @Override
  public String nodeName() {
    return "RealTimeWrite";
  }

  @Override
  public int productArity() {
    return 2;
  }

  @Override
  public Object productElement(int n) {
    switch (n) {
      case 0: return write;
      case 1: return query;
      default: throw new IndexOutOfBoundsException(String.valueOf(n));
    }
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof RealTimeWriteExec;
  }
}
