package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RampStepsTest {
  @Test
  void tenEqualStepsRiseFromATenthToTheFullRate() {
    List<RampSteps.Step> steps = RampSteps.of(Duration.ofSeconds(30), 10_000);
    assertThat(steps).hasSize(RampSteps.STEPS);
    assertThat(steps).extracting(RampSteps.Step::rate)
        .containsExactly(1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000);
    assertThat(steps).allSatisfy(s -> assertThat(s.duration()).isEqualTo(Duration.ofSeconds(3)));
  }

  @Test
  void noRampNoSteps() {
    assertThat(RampSteps.of(Duration.ZERO, 10_000)).isEmpty();
  }

  @Test
  void aLowRateNeverRampsToZero() {
    assertThat(RampSteps.of(Duration.ofSeconds(10), 5)).extracting(RampSteps.Step::rate).allSatisfy(r -> assertThat(r).isPositive());
  }
}
