package io.rtm.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.run.Plan;
import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.StateSize;
import io.rtm.bench.search.RateSearch;
import io.rtm.bench.search.SearchResult;
import io.rtm.bench.search.StepResult;
import io.rtm.bench.search.StepVerdict;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchReportTest {
  private static StepResult step(int rate, StepVerdict.Reason reason) {
    return new StepResult(rate, rate, new LatencySummary(100, 10_000, 20_000, 30_000, 40_000, 50_000, rate * 0.9, 0),
        new StepVerdict(reason, 0.0, 0.8, reason.name()), 20, 28);
  }

  /** Sustains every rate of {@code rates} but the last, which fails with {@code end}. */
  private static SearchResult search(Workload w, Mode mode, StepVerdict.Reason end, int... rates) {
    List<StepResult> steps = new ArrayList<>();
    for (int i = 0; i < rates.length; i++) {
      steps.add(step(rates[i], i == rates.length - 1 ? end : StepVerdict.Reason.SUSTAINABLE));
    }
    return new SearchResult(w, mode, RunResult.Status.OK, null, null, "outputs owed", steps, 1 << 29, 1 << 30,
        w.stateful() ? new StateSize(10_000, 5 << 20) : StateSize.NONE);
  }

  @Test
  void theHighestSustainableRateIsTheLastStepBeforeTheFirstFailure() {
    SearchResult r = search(Workload.STATELESS, Mode.PLUGIN_100MS, StepVerdict.Reason.LAG_GROWING, 5_000, 10_000,
        20_000);
    assertThat(r.highestSustainable()).hasValue(10_000);
    assertThat(r.generatorBound()).isFalse();
    assertThat(r.stopReason()).startsWith("20000/s: lag growing");
    SearchResult none = search(Workload.STATELESS, Mode.MICROBATCH, StepVerdict.Reason.P99_ABOVE_BOUND, 5_000);
    assertThat(none.highestSustainable()).isEmpty();
    assertThat(SearchReport.shown(none)).isEqualTo("below 5000");
  }

  @Test
  void thePluginRowHasItsRatiosToMicroBatchAndFlink() {
    Plan plan = Plan.fullPlan().searching(RateSearch.defaults());
    List<SearchResult> all = List.of(
        search(Workload.AGGREGATION, Mode.PLUGIN_100MS, StepVerdict.Reason.LAG_GROWING, 5_000, 10_000, 20_000),
        search(Workload.AGGREGATION, Mode.MICROBATCH, StepVerdict.Reason.P99_ABOVE_BOUND, 5_000, 10_000, 20_000,
            40_000),
        search(Workload.AGGREGATION, Mode.FLINK_100MS, StepVerdict.Reason.GENERATOR_BOUND, 5_000, 10_000, 20_000));

    String md = SearchReport.render(plan, all);

    // plugin 10,000 / micro-batch 20,000; plugin 10,000 / Flink >= 10,000 (Flink was generator-bound)
    assertThat(md).contains("| aggregation | plugin-100ms | 10000 | 30.0 | 9000 | 20000/s: lag growing");
    assertThat(md).contains("| 10000 | 5.00 | 0.50× | 1.00× (bound) |");
    assertThat(md).contains("| aggregation | flink-100ms | ≥ 10000 |");
  }
}
