package io.rtm.operators.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskEventTimeTest {
  private static final long TASK = -42L;

  @AfterEach
  void forget() {
    TaskEventTime.forget(TASK);
  }

  @Test
  void noWatermarkBeforeAnyEventTime() {
    TaskEventTime time = TaskEventTime.of(TASK);

    assertThat(time.watermarkMs()).isEqualTo(Long.MIN_VALUE);
    assertThat(time.watermarkMicros()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void theWatermarkIsTheLargerOfTheStagesOwnAndTheInputs() {
    TaskEventTime time = TaskEventTime.of(TASK);
    time.observe(10_000L, 2_000L);
    time.inputWatermark(7_000L);

    assertThat(time.watermarkMs()).isEqualTo(8_000L);
    assertThat(time.watermarkMicros()).isEqualTo(8_000_000L);

    time.inputWatermark(9_500L);
    assertThat(time.watermarkMicros()).isEqualTo(9_500_000L);
  }

  @Test
  void microsSaturateInsteadOfOverflowing() {
    TaskEventTime time = TaskEventTime.of(TASK);
    time.inputWatermark(Long.MAX_VALUE / 10);

    assertThat(time.watermarkMicros()).isEqualTo(Long.MAX_VALUE);
  }
}
