package io.rtm.plugin;

import io.rtm.compat.StringSourceJsonToStructs;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.JsonToStructs;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.ObjectType;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractPartialFunction;

/**
 * Gives a real-time stage's {@code from_json} calls the evaluator that parses each record from a
 * string ({@link StringSourceJsonToStructs}): the same results and errors, a fraction of the
 * allocation per record. Runs on the plan the stages are cut from, so stock queries (switch off,
 * or micro-batch queries with it on) keep Spark's expression.
 */
final class JsonParsingRewrite {
  private JsonParsingRewrite() {}

  static SparkPlan apply(SparkPlan plan, SQLConf conf) {
    return plan.transformAllExpressions(new AbstractPartialFunction<Expression, Expression>() {
      @Override
      public boolean isDefinedAt(Expression e) {
        return e instanceof JsonToStructs json && StringSourceJsonToStructs.handles(json);
      }

      @Override
      public Expression apply(Expression e) {
        return invocation((JsonToStructs) e, conf);
      }
    });
  }

  static Expression invocation(JsonToStructs json, SQLConf conf) {
    StringSourceJsonToStructs evaluator = StringSourceJsonToStructs.of(json, conf);
    Literal target = Literal.create(evaluator, new ObjectType(StringSourceJsonToStructs.class));
    // Null in, null out (propagateNull), as JsonToStructs, which is null-intolerant.
    return new Invoke(target, "evaluate", json.dataType(),
        CollectionConverters.asScala(List.of(json.child())).toSeq(),
        CollectionConverters.asScala(List.<AbstractDataType>of()).toSeq(), true, true, true);
  }
}
