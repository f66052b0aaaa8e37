package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.spec.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OutputCheckTest {
  private static final int SENT = 200;
  private final EventFactory events = new EventFactory(1, 1_000);

  private String output(long id) {
    return "{\"event_id\":" + id + ",\"account_id\":\"" + events.accountId(id) + "\",\"amount\":1.0,\"merchant\":\""
        + events.merchant(id).toUpperCase(Locale.ROOT) + "\"}";
  }

  private List<String> allKept() {
    List<String> out = new ArrayList<>();
    for (long id = 0; id < SENT; id++) {
      if (Workload.kept(events, id)) {
        out.add(output(id));
      }
    }
    return out;
  }

  @Test
  void completeOutputPassesAndPrimingOutputIsIgnored() {
    List<String> out = allKept();
    out.add(output(Priming.FIRST_ID + 3));

    OutputCheck check = OutputCheck.of(out, SENT, events);

    assertThat(check.passed()).isTrue();
    assertThat(check.distinct()).isEqualTo(check.expected()).isEqualTo(out.size() - 1);
  }

  @Test
  void duplicatesAreCountedButAllowed() {
    List<String> out = allKept();
    out.add(out.get(0));

    OutputCheck check = OutputCheck.of(out, SENT, events);

    assertThat(check.passed()).isTrue();
    assertThat(check.duplicates()).isEqualTo(1);
  }

  @Test
  void aDuplicateFailsOnlyUnderAnExactlyOnceMode() {
    List<String> out = allKept();
    out.add(out.get(3));

    OutputCheck check = OutputCheck.of(out, SENT, events);

    assertThat(check.passedFor(io.rtm.bench.spec.Mode.PLUGIN_100MS)).isTrue();
    assertThat(check.passedFor(io.rtm.bench.spec.Mode.PLUGIN_EOS_100MS)).isFalse();
    assertThat(OutputCheck.of(allKept(), SENT, events).passedFor(io.rtm.bench.spec.Mode.PLUGIN_EOS_100MS)).isTrue();
  }

  @Test
  void anIncompleteOutputFailsUnderAnExactlyOnceModeToo() {
    List<String> out = allKept();
    out.remove(0);

    assertThat(OutputCheck.of(out, SENT, events).passedFor(io.rtm.bench.spec.Mode.PLUGIN_EOS_1S)).isFalse();
  }

  @Test
  void aMissingEventFails() {
    List<String> out = allKept();
    String dropped = out.remove(5);

    OutputCheck check = OutputCheck.of(out, SENT, events);

    assertThat(check.passed()).isFalse();
    assertThat(check.missing()).isEqualTo(1);
    assertThat(check.firstProblem()).contains("is missing");
    assertThat(dropped).contains("\"event_id\":");
  }

  @Test
  void aFilteredOrForeignEventAndAWrongFieldFail() {
    long filtered = java.util.stream.LongStream.range(0, SENT).filter(id -> !Workload.kept(events, id)).findFirst().orElseThrow();
    List<String> out = allKept();
    out.add(output(filtered));
    assertThat(OutputCheck.of(out, SENT, events).unexpected()).isEqualTo(1);

    List<String> wrong = allKept();
    wrong.set(0, wrong.get(0).replace("\"merchant\":\"", "\"merchant\":\"x"));
    assertThat(OutputCheck.of(wrong, SENT, events).wrong()).isEqualTo(1);
  }
}
