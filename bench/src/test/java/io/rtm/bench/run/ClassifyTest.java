package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ClassifyTest {
  private static ObjectNode failure(String phase, String error) {
    return new ObjectMapper().createObjectNode().put("status", "failed").put("phase", phase).put("error", error);
  }

  @Test
  void aConditionAtStartOrOneThatSaysUnsupportedIsARefusal() {
    assertThat(RunExecutor.classify(failure("start", "RTM_UNSUPPORTED_OPERATOR"))).isEqualTo(RunResult.Status.UNSUPPORTED);
    assertThat(RunExecutor.classify(failure("start", "_LEGACY_ERROR_TEMP_2200"))).isEqualTo(RunResult.Status.UNSUPPORTED);
    assertThat(RunExecutor.classify(failure("run", "STREAMING_REAL_TIME_MODE.OPERATOR_OR_SINK_NOT_IN_ALLOWLIST")))
        .isEqualTo(RunResult.Status.UNSUPPORTED);
    assertThat(RunExecutor.classify(failure("start", "UnsupportedWorkloadException"))).isEqualTo(RunResult.Status.UNSUPPORTED);
  }

  @Test
  void aBrokenBuildOrACrashIsAFailure() {
    assertThat(RunExecutor.classify(failure("start", "ClassNotFoundException"))).isEqualTo(RunResult.Status.FAILED);
    assertThat(RunExecutor.classify(failure("run", "RTM_STAGE_FAILED: NullPointerException"))).isEqualTo(RunResult.Status.FAILED);
  }
}
