package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FinalOutputTest {
  private static final EventFactory EVENTS = new EventFactory(1, 7);

  /**
   * The aggregation's output rows for {@code primed} priming events and then events 0 .. sent-1:
   * every update (as Flink emits) or only each account's rows at the given event positions plus its
   * last one (as Spark's update mode emits one row per changed group per epoch).
   */
  private static List<String> aggregationRows(long primed, long sent, boolean everyUpdate) {
    Map<String, long[]> counts = new HashMap<>();
    Map<String, Double> totals = new HashMap<>();
    Map<String, String> lastRow = new HashMap<>();
    List<String> rows = new ArrayList<>();
    for (long i = 0; i < primed + sent; i++) {
      long id = i < primed ? Priming.FIRST_ID + i : i - primed;
      String account = EVENTS.accountId(id);
      long n = ++counts.computeIfAbsent(account, a -> new long[1])[0];
      double total = totals.merge(account, EVENTS.amountCents(id) / 100.0, Double::sum);
      String row = String.format(Locale.ROOT, "{\"account_id\":\"%s\",\"events\":%d,\"total\":%s,\"send_ns\":1}",
          account, n, total);
      if (everyUpdate || i % 5 == 0) {
        rows.add(row);
      }
      lastRow.put(account, row);
    }
    if (!everyUpdate) {
      rows.addAll(lastRow.values());
    }
    return rows;
  }

  @Test
  void perUpdateAndPerEpochOutputsOfTheSameEventsComeToTheSameFinalCounts() {
    FinalOutput flink = FinalOutput.of(Workload.AGGREGATION, aggregationRows(9, 60, true), 9, EVENTS);
    // A different number of priming events: their share is taken out.
    FinalOutput spark = FinalOutput.of(Workload.AGGREGATION, aggregationRows(2, 60, false), 2, EVENTS);

    assertThat(flink.firstDifference(spark)).isNull();
    assertThat(flink.size()).isEqualTo(7);
    long total = flink.rows().values().stream()
        .mapToLong(v -> Long.parseLong(v.substring("events=".length(), v.indexOf(' ')))).sum();
    assertThat(total).isEqualTo(60);
  }

  @Test
  void aMissingLastUpdateIsADifference() {
    List<String> rows = aggregationRows(0, 60, true);
    FinalOutput complete = FinalOutput.of(Workload.AGGREGATION, rows, 0, EVENTS);
    FinalOutput truncated = FinalOutput.of(Workload.AGGREGATION, rows.subList(0, rows.size() - 1), 0, EVENTS);

    String account = EVENTS.accountId(59);
    assertThat(truncated.firstDifference(complete)).startsWith(account + ": events=");
  }

  @Test
  void perEventOutputsCompareIdsAccountsAndMerchants() {
    String a = "{\"event_id\":3,\"account_id\":\"acct-1\",\"merchant\":\"X\"}";
    String b = "{\"event_id\":4,\"account_id\":\"acct-2\",\"merchant\":\"Y\"}";
    String priming = "{\"event_id\":" + Priming.FIRST_ID + ",\"account_id\":\"acct-2\",\"merchant\":\"Y\"}";
    FinalOutput one = FinalOutput.of(Workload.STATELESS, List.of(a, b, priming), 1, EVENTS);
    FinalOutput other = FinalOutput.of(Workload.SHUFFLE, List.of(b, a, a), 0, EVENTS);
    assertThat(one.firstDifference(other)).isNull();
    FinalOutput wrong = FinalOutput.of(Workload.STATELESS,
        List.of(a, b.replace("acct-2", "acct-5")), 0, EVENTS);
    assertThat(wrong.firstDifference(one)).isEqualTo("000000000004: acct-5 Y vs acct-2 Y");
    assertThat(FinalOutput.of(Workload.FRAUD_FINAL, List.of(a), 0, EVENTS)).isNull();
  }

  private static RunResult ran(Mode mode, FinalOutput out) {
    RunSpec spec = new RunSpec(Workload.AGGREGATION, mode, 500, Duration.ofSeconds(2), Duration.ZERO, 60);
    return new RunResult(spec, RunResult.Status.OK, null, null, null, new LatencySummary(1, 1, 1, 1, 1, 1, 1, 0),
        60, 500, 60, 1, 1, 0, 0, 0, 1, null, null, new double[0], StateSize.NONE, out);
  }

  @Test
  void crossModeCheckComparesEveryModeWithMicroBatch() {
    FinalOutput right = FinalOutput.of(Workload.AGGREGATION, aggregationRows(0, 60, true), 0, EVENTS);
    List<String> rows = aggregationRows(0, 60, true);
    FinalOutput wrong = FinalOutput.of(Workload.AGGREGATION, rows.subList(0, rows.size() - 1), 0, EVENTS);

    List<CrossModeCheck> agree = CrossModeCheck.of(List.of(ran(Mode.FLINK_100MS, right), ran(Mode.MICROBATCH, right),
        ran(Mode.PLUGIN_100MS, right)));
    assertThat(agree).hasSize(1);
    assertThat(agree.get(0).agree()).isTrue();
    assertThat(agree.get(0).reference()).isEqualTo(Mode.MICROBATCH);

    List<CrossModeCheck> differ = CrossModeCheck.of(List.of(ran(Mode.FLINK_100MS, right), ran(Mode.MICROBATCH, right),
        ran(Mode.PLUGIN_100MS, wrong)));
    assertThat(differ.get(0).differences()).containsOnlyKeys(Mode.PLUGIN_100MS);
    assertThat(QuickVerdict.of(List.of(ran(Mode.MICROBATCH, right), ran(Mode.PLUGIN_100MS, wrong))).problems())
        .singleElement().asString().contains("plugin-100ms's final output differs from microbatch's");
  }
}
