package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Concat;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.InitCap;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Lower;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class PlanWarmupsTest {
  private static final String CASE_MAPPING = "org.apache.spark.sql.catalyst.util.CollationAwareUTF8String";
  private static final Expression MERCHANT = new BoundReference(0, DataTypes.StringType, true);

  @Test
  void caseMappingAnywhereInTheExpressionTreesNeedsTheIcuClassOnce() {
    Expression nested = new EqualTo(
        new Concat(CollectionConverters.asScala(List.<Expression>of(new Lower(MERCHANT), Literal.create("x", DataTypes.StringType))).toSeq()),
        new InitCap(new Upper(MERCHANT)));
    assertThat(PlanWarmups.classesFor(List.of(nested))).containsExactly(CASE_MAPPING);
  }

  @Test
  void expressionsWithoutCaseMappingNeedNothing() {
    assertThat(PlanWarmups.classesFor(List.of(new EqualTo(MERCHANT, Literal.create("A", DataTypes.StringType)))))
        .isEmpty();
  }

  @Test
  void findsTheExpressionInAChildOperator() {
    SparkPlan withUpper = new FilterExec(new IsNotNull(MERCHANT),
        new FilterExec(new EqualTo(new Upper(MERCHANT), Literal.create("A", DataTypes.StringType)), leaf()));
    SparkPlan without = new FilterExec(new IsNotNull(MERCHANT), leaf());
    assertThat(PlanWarmups.classesFor(withUpper)).containsExactly(CASE_MAPPING);
    assertThat(PlanWarmups.classesFor(without)).isEmpty();
  }

  private static SparkPlan leaf() {
    return new LocalTableScanExec(CollectionConverters.asScala(List.<Attribute>of()).toList(),
        CollectionConverters.asScala(List.<InternalRow>of()).toList(), scala.Option.empty());
  }
}
