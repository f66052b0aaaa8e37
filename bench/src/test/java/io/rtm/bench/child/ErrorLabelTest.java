package io.rtm.bench.child;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkThrowable;
import org.junit.jupiter.api.Test;

class ErrorLabelTest {
  /** A Spark error with a condition, as Spark and the plugin throw them. */
  private static final class ConditionError extends RuntimeException implements SparkThrowable {
    private final String condition;

    ConditionError(String condition, String message, Throwable cause) {
      super(message, cause);
      this.condition = condition;
    }

    @Override
    public String getCondition() {
      return condition;
    }
  }

  @Test
  void namesTheSpecificConditionUnderAStreamFailure() {
    Throwable t = new ConditionError("STREAM_FAILED", "query failed",
        new ConditionError("RTM_UNSUPPORTED_OPERATOR", "[RTM_UNSUPPORTED_OPERATOR] cannot run Aggregate\nmore", null));

    assertThat(ErrorLabel.of(t)).isEqualTo("RTM_UNSUPPORTED_OPERATOR");
    assertThat(ErrorLabel.message(t)).isEqualTo("[RTM_UNSUPPORTED_OPERATOR] cannot run Aggregate");
  }

  @Test
  void namesTheRootClassUnderAWrapperWithoutASpecificCondition() {
    Throwable t = new ConditionError("RTM_STAGE_FAILED", "stage 1 failed", new IllegalStateException("boom"));

    assertThat(ErrorLabel.of(t)).isEqualTo("RTM_STAGE_FAILED: IllegalStateException");
    assertThat(ErrorLabel.message(t)).isEqualTo("boom");
  }

  @Test
  void exhaustedRecoveryIsAWrapperToo() {
    Throwable t = new ConditionError("RTM_RECOVERY_EXHAUSTED", "gave up",
        new ConditionError("RTM_STAGE_FAILED", "stage 1 failed", new IllegalStateException("boom")));

    assertThat(ErrorLabel.of(t)).isEqualTo("RTM_RECOVERY_EXHAUSTED: IllegalStateException");
  }

  @Test
  void namesTheRootClassOfAPlainException() {
    Throwable t = new RuntimeException("outer", new UnsupportedWorkloadException("the relay implements ..."));

    assertThat(ErrorLabel.of(t)).isEqualTo("UnsupportedWorkloadException");
  }
}
