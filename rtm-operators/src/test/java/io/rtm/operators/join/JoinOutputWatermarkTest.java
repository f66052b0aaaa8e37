package io.rtm.operators.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.TimestampAddInterval;
import org.apache.spark.sql.catalyst.plans.logical.EventTimeWatermark$;
import org.apache.spark.sql.types.CalendarIntervalType$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The watermark a stream-stream join forwards to the next stateful operator, on hand-built join
 * specs (Catalyst attributes and conditions as Spark's analyzer makes them for
 * {@code withWatermark(ts, "2 seconds")} and {@code r_ts BETWEEN l_ts AND l_ts + interval 1 second}).
 */
class JoinOutputWatermarkTest {
  private static final Metadata WATERMARKED = new MetadataBuilder()
      .putLong(EventTimeWatermark$.MODULE$.delayKey(), 2_000L).build();

  private static AttributeReference attr(String name, DataType type, Metadata metadata) {
    return new AttributeReference(name, type, true, metadata, NamedExpression$.MODULE$.newExprId(),
        CollectionConverters.asScala(List.<String>of()).toList());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  private final AttributeReference lAcct = attr("l_acct", DataTypes.StringType, Metadata.empty());
  private final AttributeReference lTs = attr("l_ts", DataTypes.TimestampType, WATERMARKED);
  private final AttributeReference rAcct = attr("r_acct", DataTypes.StringType, Metadata.empty());
  private final AttributeReference rTs = attr("r_ts", DataTypes.TimestampType, WATERMARKED);

  private StreamJoinSpec spec(String type, List<Expression> leftKeys, List<Expression> rightKeys,
      Option<Expression> condition) {
    List<Attribute> left = List.of(lAcct, lTs);
    List<Attribute> right = List.of(rAcct, rTs);
    List<Attribute> output = List.of(lAcct, lTs, rAcct, rTs);
    return new StreamJoinSpec(type, seq(leftKeys), seq(rightKeys), seq(left), seq(right), seq(output),
        Option.empty(), Option.empty(), condition, condition);
  }

  /** {@code r_ts >= l_ts AND r_ts <= l_ts + interval 1 second}: a click up to a second after its impression. */
  private Option<Expression> clickWithinASecond() {
    Expression oneSecond = Literal.create(new CalendarInterval(0, 0, 1_000_000L), CalendarIntervalType$.MODULE$);
    Expression upTo = new TimestampAddInterval(lTs, oneSecond, Option.apply("UTC"));
    return Option.apply(new And(new GreaterThanOrEqual(rTs, lTs), new LessThanOrEqual(rTs, upTo)));
  }

  @Test
  void aTimeRangeConditionHoldsTheOutputWatermarkBehindTheInputByItsSlack() {
    JoinOutputWatermark output = new JoinOutputWatermark(
        spec("LeftOuter", List.of(lAcct), List.of(rAcct), clickWithinASecond()));

    // A left row can still match a right row up to one second later: left rows stay (and may leave
    // unmatched) down to the input watermark minus a second; Spark's state watermark of an inclusive
    // bound is one millisecond lower still (it evicts time <= state watermark).
    assertThat(output.applyAsLong(10_000L)).isEqualTo(8_999L);
    assertThat(output.applyAsLong(25_000L)).isEqualTo(23_999L);
  }

  @Test
  void innerJoinsGetTheSameOutputWatermark() {
    // An inner match of a stored left row leaves with that row's time, as low as its state watermark.
    JoinOutputWatermark output = new JoinOutputWatermark(
        spec("Inner", List.of(lAcct), List.of(rAcct), clickWithinASecond()));

    assertThat(output.applyAsLong(10_000L)).isEqualTo(8_999L);
  }

  @Test
  void aWatermarkOnTheJoinKeyForwardsTheInputWatermark() {
    // Joined on the event time itself: both sides' state watermark is the input watermark.
    JoinOutputWatermark output = new JoinOutputWatermark(
        spec("LeftOuter", List.of(lAcct, lTs), List.of(rAcct, rTs), Option.empty()));

    assertThat(output.applyAsLong(10_000L)).isEqualTo(10_000L);
  }

  @Test
  void noWatermarkYetAndIdleProducersPassThrough() {
    JoinOutputWatermark output = new JoinOutputWatermark(
        spec("LeftOuter", List.of(lAcct), List.of(rAcct), clickWithinASecond()));

    assertThat(output.applyAsLong(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
    assertThat(output.applyAsLong(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
  }
}
