package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.operators.metrics.EpochStats;
import io.rtm.operators.metrics.LatencyHistogram;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpochProgressReporterTest {
  @Test
  void recordsOfAnEpochAreTheOffsetDifferencesSummedOverPartitions() {
    assertThat(EpochProgressReporter.recordsBetween(
        "{\"in-1\":{\"0\":100,\"1\":40}}", "{\"in-1\":{\"0\":130,\"1\":45}}")).isEqualTo(35);
  }

  @Test
  void theFirstEpochCountsFromTheStartOfEachPartitionItNamesAndNewPartitionsFromZero() {
    assertThat(EpochProgressReporter.recordsBetween("", "{\"t\":{\"0\":7,\"1\":3}}")).isEqualTo(10);
    assertThat(EpochProgressReporter.recordsBetween("{\"t\":{\"0\":7}}", "{\"t\":{\"0\":7,\"1\":3}}")).isEqualTo(3);
  }

  @Test
  void topicsAreKeptApartAndNonKafkaOffsetsCountNothing() {
    assertThat(EpochProgressReporter.recordsBetween("{\"a\":{\"0\":5},\"b\":{\"0\":1}}",
        "{\"a\":{\"0\":6},\"b\":{\"0\":9}}")).isEqualTo(9);
    assertThat(EpochProgressReporter.recordsBetween("{\"x\":1}", "{\"x\":5}")).isZero();
  }

  private static EpochStats sinkTask(long sourceRows, long sinkRows, long... latencies) {
    LatencyHistogram h = new LatencyHistogram();
    for (long l : latencies) {
      h.record(l);
    }
    return EpochStats.ofTask("r", 3, true, true, sourceRows, sinkRows, h, 1_500_000, 2, 1, 60_000, List.of());
  }

  @Test
  void millisecondsHaveThreeDecimals() {
    assertThat(EpochProgressReporter.EpochFigures.millis(0)).isEqualTo("0.000");
    assertThat(EpochProgressReporter.EpochFigures.millis(5)).isEqualTo("0.005");
    assertThat(EpochProgressReporter.EpochFigures.millis(1234)).isEqualTo("1.234");
    assertThat(EpochProgressReporter.EpochFigures.millis(12_345_678)).isEqualTo("12345.678");
  }

  @Test
  void withEveryTasksFiguresTheEpochReportsTheEnginesCountsAndLatencies() {
    EpochStats sum = sinkTask(6, 4, 1000, 2000, 9000);
    sum.merge(sinkTask(2, 1, 3000));
    EpochProgressReporter.EpochFigures f = EpochProgressReporter.EpochFigures.of(3, sum, 2, 999);
    assertThat(f.inputRows()).isEqualTo(8);
    assertThat(f.outputRows()).isEqualTo(5);
    assertThat(f.sinkMetrics()).containsEntry("rtm.latency.samples", "4").containsEntry("rtm.latency.maxMs", "9.000");
    // the median (2 ms) to within its bucket's width
    assertThat(Double.parseDouble(f.sinkMetrics().get("rtm.latency.p50Ms"))).isBetween(2.0, 2.0 * 1.032);
    assertThat(f.latencyP99Micros()).isEqualTo(9000);
    assertThat(f.sourceMetrics()).containsEntry("rtm.shuffle.backpressureMs", "3.000")
        .containsEntry("rtm.shuffle.queuedBuffers", "4").containsEntry("rtm.tasks.reported", "2");
    assertThat(f.watermarkMs()).isEqualTo(60_000);
  }

  @Test
  void withoutEveryTasksFiguresInputRowsComeFromTheOffsetsAndOutputRowsAreUnknown() {
    EpochProgressReporter.EpochFigures partial = EpochProgressReporter.EpochFigures.of(3, sinkTask(6, 4, 10), 2, 999);
    assertThat(partial.inputRows()).isEqualTo(999);
    assertThat(partial.outputRows()).isEqualTo(-1);
    EpochProgressReporter.EpochFigures none = EpochProgressReporter.EpochFigures.of(3, null, 2, 999);
    assertThat(none.inputRows()).isEqualTo(999);
    assertThat(none.sinkMetrics()).containsOnlyKeys("rtm.latency.samples");
  }
}
