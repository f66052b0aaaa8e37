package io.rtm.plugin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The classes with expensive one-time initializers that a stage's expressions will load, so that
 * its tasks start them on a background thread ({@link io.rtm.operators.ClassWarmup}) instead of
 * stalling on them at their first record. Found from the plan rather than warmed for every query:
 * the ICU case mapping costs seconds of CPU, which a query that never changes case should not pay
 * in its cold start.
 */
final class PlanWarmups {
  /**
   * Expression class to the class it initializes on first use. Checked against Spark 4.2.0:
   * {@code Upper}, {@code Lower} and {@code InitCap} go through {@code CollationSupport}, which
   * maps case with ICU ({@code spark.sql.icu.caseMappings.enabled}, on by default) in
   * {@code CollationAwareUTF8String}, whose static initializer loads ICU's data (~4.5 s of CPU).
   */
  private static final String CASE_MAPPING = "org.apache.spark.sql.catalyst.util.CollationAwareUTF8String";
  private static final Map<String, String> INITIALIZED_BY = Map.of(
      "org.apache.spark.sql.catalyst.expressions.Upper", CASE_MAPPING,
      "org.apache.spark.sql.catalyst.expressions.Lower", CASE_MAPPING,
      "org.apache.spark.sql.catalyst.expressions.InitCap", CASE_MAPPING);

  private PlanWarmups() {}

  static List<String> classesFor(SparkPlan plan) {
    List<Expression> expressions = new ArrayList<>();
    Deque<SparkPlan> plans = new ArrayDeque<>();
    plans.push(plan);
    while (!plans.isEmpty()) {
      SparkPlan node = plans.pop();
      expressions.addAll(CollectionConverters.asJava(node.expressions()));
      CollectionConverters.asJava(node.children()).forEach(plans::push);
    }
    return classesFor(expressions);
  }

  static List<String> classesFor(List<Expression> roots) {
    Set<String> classes = new LinkedHashSet<>();
    Deque<Expression> pending = new ArrayDeque<>(roots);
    while (!pending.isEmpty()) {
      Expression expression = pending.pop();
      String initialized = INITIALIZED_BY.get(expression.getClass().getName());
      if (initialized != null) {
        classes.add(initialized);
      }
      CollectionConverters.asJava(expression.children()).forEach(pending::push);
    }
    return new ArrayList<>(classes);
  }
}
