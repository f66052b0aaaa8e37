package io.rtm.plugin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.UnaryNode;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The columns an update-mode aggregation's rows are upserted by: the aggregation's grouping keys
 * as they reach the sink. Keys are followed by expression id, not by name, from the aggregation up
 * through projections (a rename keeps the key, a computed column is not one) and through operators
 * that keep their child's columns (filters, watermarks, aliases).
 */
final class UpsertKeys {
  /** The writer option that names the key columns instead. */
  static final String OPTION = "rtm.upsertKeys";

  private UpsertKeys() {}

  /** Why the keys cannot be found; the message completes "cannot be upserted: ...". */
  static final class Unknown extends Exception {
    Unknown(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Whether {@code plan} has an aggregation at all (else there are no keys to upsert by). */
  static boolean hasAggregation(LogicalPlan plan) {
    if (plan instanceof Aggregate) {
      return true;
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      if (hasAggregation(child)) {
        return true;
      }
    }
    return false;
  }

  /** The key columns named by {@link #OPTION}, checked against the columns the query writes. */
  static List<String> named(String option, List<String> columns, boolean caseSensitive) throws Unknown {
    List<String> keys = Arrays.stream(option.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList();
    if (keys.isEmpty()) {
      throw new Unknown(OPTION + " names no column");
    }
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      String column = columns.stream().filter(c -> caseSensitive ? c.equals(key) : c.equalsIgnoreCase(key))
          .findFirst().orElseThrow(() -> new Unknown(OPTION + " names " + key
              + ", which the query does not write (columns: " + String.join(", ", columns) + ")"));
      if (!out.contains(column)) {
        out.add(column);
      }
    }
    return out;
  }

  /** The ordinals of {@code keys} among {@code columns}, matched as {@link #named} matches them. */
  static int[] ordinals(List<String> keys, List<String> columns, boolean caseSensitive) {
    return keys.stream().mapToInt(k -> {
      for (int i = 0; i < columns.size(); i++) {
        if (caseSensitive ? columns.get(i).equals(k) : columns.get(i).toLowerCase(Locale.ROOT)
            .equals(k.toLowerCase(Locale.ROOT))) {
          return i;
        }
      }
      throw new IllegalStateException("key column " + k + " is not among " + columns);
    }).toArray();
  }

  /** The sink columns that carry the grouping keys of the aggregation nearest the sink. */
  static List<String> derive(LogicalPlan plan) throws Unknown {
    Carriers carriers = carriers(plan);
    for (int i = 0; i < carriers.grouping.size(); i++) {
      if (carriers.ids.get(i).isEmpty()) {
        throw new Unknown("the grouping key " + carriers.grouping.get(i) + " is not among the columns the query"
            + " writes (" + CollectionConverters.asJava(plan.output()).stream().map(Attribute::name)
            .collect(Collectors.joining(", ")) + ")");
      }
    }
    Set<ExprId> all = new HashSet<>();
    carriers.ids.forEach(all::addAll);
    return CollectionConverters.asJava(plan.output()).stream().filter(a -> all.contains(a.exprId()))
        .map(Attribute::name).toList();
  }

  /** Per grouping key of the aggregation, the ids of {@code plan}'s output columns that carry it. */
  private record Carriers(List<String> grouping, List<Set<ExprId>> ids) {}

  private static Carriers carriers(LogicalPlan plan) throws Unknown {
    if (plan instanceof Aggregate agg) {
      List<Expression> grouping = CollectionConverters.asJava(agg.groupingExpressions());
      List<Set<ExprId>> ids = new ArrayList<>();
      for (Expression g : grouping) {
        Set<ExprId> carrying = new LinkedHashSet<>();
        for (NamedExpression out : CollectionConverters.asJava(agg.aggregateExpressions())) {
          Expression value = out instanceof Alias alias ? alias.child() : (Expression) out;
          if (value.semanticEquals(g)) {
            carrying.add(out.toAttribute().exprId());
          }
        }
        ids.add(carrying);
      }
      return new Carriers(grouping.stream().map(Expression::sql).toList(), ids);
    }
    if (plan instanceof Project project) {
      Carriers below = carriers(project.child());
      List<Set<ExprId>> ids = new ArrayList<>();
      for (Set<ExprId> carrying : below.ids) {
        Set<ExprId> now = new LinkedHashSet<>();
        for (NamedExpression out : CollectionConverters.asJava(project.projectList())) {
          Expression value = out instanceof Alias alias ? alias.child() : (Expression) out;
          if (value instanceof Attribute a && carrying.contains(a.exprId())) {
            now.add(out.toAttribute().exprId());
          }
        }
        ids.add(now);
      }
      return new Carriers(below.grouping, ids);
    }
    if (plan instanceof UnaryNode && sameColumns(plan, plan.children().head())) {
      return carriers(plan.children().head());
    }
    throw new Unknown("the keys cannot be followed from the aggregation to the sink through "
        + plan.nodeName() + "; name them with " + OPTION);
  }

  private static boolean sameColumns(LogicalPlan a, LogicalPlan b) {
    return ids(a).equals(ids(b));
  }

  private static List<ExprId> ids(LogicalPlan plan) {
    return CollectionConverters.asJava(plan.output()).stream().map(Attribute::exprId).toList();
  }
}
