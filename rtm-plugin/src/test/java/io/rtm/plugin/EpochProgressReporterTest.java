package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

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
}
