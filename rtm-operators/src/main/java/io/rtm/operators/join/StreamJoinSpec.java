package io.rtm.operators.join;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import scala.Option;
import scala.collection.immutable.Seq;

/**
 * What a real-time stream-stream join needs from Spark's planned {@code StreamingSymmetricHashJoinExec}.
 * Its input rows have the layout {@code [side, join key..., left columns..., right columns...]}: both
 * sides travel through one shuffle (the other side's columns null), so one input gate aligns both
 * sides' barriers.
 *
 * @param joinType "Inner", "LeftOuter" or "RightOuter"
 * @param leftOnly conjuncts of the condition over the left side only (Spark's split of the condition)
 */
public record StreamJoinSpec(
    String joinType,
    Seq<Expression> leftKeys,
    Seq<Expression> rightKeys,
    Seq<Attribute> leftOutput,
    Seq<Attribute> rightOutput,
    Seq<Attribute> output,
    Option<Expression> leftOnly,
    Option<Expression> rightOnly,
    Option<Expression> bothSides,
    Option<Expression> full) implements Serializable {
  public static final int LEFT = 0;
  public static final int RIGHT = 1;

  int numKeys() {
    return leftKeys.size();
  }

  /** The side whose unmatched rows are emitted with nulls, or -1 for an inner join. */
  int outerSide() {
    return switch (joinType) {
      case "LeftOuter" -> LEFT;
      case "RightOuter" -> RIGHT;
      default -> -1;
    };
  }
}
