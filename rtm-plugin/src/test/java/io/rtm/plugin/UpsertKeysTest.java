package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression$;
import org.apache.spark.sql.catalyst.expressions.Upper;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.junit.jupiter.api.Test;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/** Key derivation on catalyst plans built by hand (no session), and the writer option's checks. */
class UpsertKeysTest {
  private final AttributeReference account = attribute("account_id", DataTypes.StringType);
  private final AttributeReference merchant = attribute("merchant", DataTypes.StringType);
  private final AttributeReference amount = attribute("amount", DataTypes.DoubleType);
  private final LocalRelation events = new LocalRelation(seq(List.of(account, merchant, amount)), seq(List.of()),
      true, Option.empty());

  /** groupBy(account_id, merchant).agg(<n> as n), as the analyser leaves it. */
  private Aggregate counts() {
    return new Aggregate(seq(List.<Expression>of(account, merchant)),
        seq(List.<NamedExpression>of(account, merchant, alias(Literal.create(1L, DataTypes.LongType), "n"))),
        events, Option.empty());
  }

  @Test
  void theGroupingColumnsOfTheAggregationAreTheKeys() throws Exception {
    assertThat(UpsertKeys.hasAggregation(counts())).isTrue();
    assertThat(UpsertKeys.derive(counts())).containsExactly("account_id", "merchant");
  }

  @Test
  void keysAreFollowedThroughRenamesReorderingAndFilters() throws Exception {
    Aggregate agg = counts();
    Attribute n = agg.output().apply(2);
    LogicalPlan filtered = new Filter(new GreaterThan(n, Literal.create(0L, DataTypes.LongType)), agg);
    LogicalPlan renamed = new Project(seq(List.<NamedExpression>of(n, alias(merchant, "shop"), alias(account, "acct"))),
        filtered);
    assertThat(UpsertKeys.derive(renamed)).containsExactly("shop", "acct");
  }

  @Test
  void aGroupingKeyComputedOrDroppedAfterTheAggregationIsNoKey() {
    Aggregate agg = counts();
    Attribute n = agg.output().apply(2);
    LogicalPlan computed = new Project(seq(List.<NamedExpression>of(alias(new Upper(account), "account_id"),
        merchant, n)), agg);
    assertThatThrownBy(() -> UpsertKeys.derive(computed)).isInstanceOf(UpsertKeys.Unknown.class)
        .hasMessageContaining("grouping key account_id")
        .hasMessageContaining("(account_id, merchant, n)");
    LogicalPlan dropped = new Project(seq(List.<NamedExpression>of(account, n)), agg);
    assertThatThrownBy(() -> UpsertKeys.derive(dropped)).hasMessageContaining("grouping key merchant");
  }

  @Test
  void aPlanWithoutAggregationHasNone() {
    assertThat(UpsertKeys.hasAggregation(new Project(seq(List.<NamedExpression>of(account)), events))).isFalse();
  }

  @Test
  void theWriterOptionNamesColumnsTheQueryWrites() throws Exception {
    List<String> columns = List.of("account_id", "merchant", "n");
    assertThat(UpsertKeys.named(" Merchant , account_id,merchant", columns, false))
        .containsExactly("merchant", "account_id");
    assertThat(UpsertKeys.ordinals(List.of("merchant", "account_id"), columns, false)).containsExactly(1, 0);
    assertThatThrownBy(() -> UpsertKeys.named("Merchant", columns, true))
        .hasMessageContaining("names Merchant, which the query does not write (columns: account_id, merchant, n)");
    assertThatThrownBy(() -> UpsertKeys.named(" , ", columns, false)).hasMessageContaining("names no column");
  }

  @Test
  void theMergeMatchesEveryKeyNullSafelyAndQuotesNames() {
    assertThat(UpsertStreamingWrite.mergeStatement("/t/a`b", "v", List.of("account", "odd`name")))
        .isEqualTo("MERGE INTO delta.`/t/a``b` AS t USING v AS s ON t.`account` <=> s.`account` AND"
            + " t.`odd``name` <=> s.`odd``name` WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  private static AttributeReference attribute(String name, DataType type) {
    return new AttributeReference(name, type, true, Metadata.empty(), NamedExpression$.MODULE$.newExprId(),
        seq(List.of()));
  }

  private static Alias alias(Expression child, String name) {
    return new Alias(child, name, NamedExpression$.MODULE$.newExprId(), seq(List.of()), Option.empty(),
        seq(List.of()));
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
