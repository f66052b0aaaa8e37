package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.LatencySummary;
import io.rtm.bench.spec.Mode;
import io.rtm.bench.spec.Workload;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickVerdictTest {
  private static RunResult ran(Mode mode, long distinct) {
    return ran(mode, distinct, 0);
  }

  private static RunResult ran(Mode mode, long distinct, long duplicates) {
    RunSpec spec = new RunSpec(Workload.STATELESS, mode, 500, Duration.ofSeconds(2), Duration.ZERO, 100);
    OutputCheck check = new OutputCheck(90, distinct, 90 - distinct, 0, duplicates, 0, null);
    return new RunResult(spec, RunResult.Status.OK, null, null, null, new LatencySummary(1, 1, 1, 1, 1, 1, 1, 0),
        100, 500, distinct, 1, 1, 0, 0, 0, 1, check, null, new double[0]);
  }

  @Test
  void passesWhenEveryModeMatchesTheRelay() {
    assertThat(QuickVerdict.of(List.of(ran(Mode.RELAY, 90), ran(Mode.PLUGIN_100MS, 90))).passed()).isTrue();
  }

  @Test
  void failsOnAnIncompleteOutputAndOnARefusal() {
    RunSpec spec = new RunSpec(Workload.SHUFFLE, Mode.CONTINUOUS, 500, Duration.ofSeconds(2), Duration.ZERO, 100);
    RunResult refused = RunResult.notRun(spec, RunResult.Status.UNSUPPORTED, "X", "no", -1, -1);

    QuickVerdict verdict = QuickVerdict.of(List.of(ran(Mode.RELAY, 90), ran(Mode.PLUGIN_100MS, 89), refused));

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.problems()).hasSize(3);
    assertThat(verdict.problems().get(2)).contains("unsupported (X)");
  }

  @Test
  void duplicatesFailAnExactlyOnceModeOnly() {
    QuickVerdict verdict = QuickVerdict.of(List.of(ran(Mode.RELAY, 90), ran(Mode.PLUGIN_100MS, 90, 2),
        ran(Mode.PLUGIN_EOS_100MS, 90, 1)));

    assertThat(verdict.problems()).singleElement().asString()
        .startsWith("stateless-plugin-eos-100ms-500: 1 duplicate outputs under an exactly-once mode");
    assertThat(QuickVerdict.of(List.of(ran(Mode.RELAY, 90), ran(Mode.PLUGIN_EOS_100MS, 90, 0))).passed()).isTrue();
  }
}
