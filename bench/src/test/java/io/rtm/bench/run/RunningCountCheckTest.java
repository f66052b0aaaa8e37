package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.EventFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunningCountCheckTest {
  private static final long PRIMED = 7;
  private static final long SENT = 300;
  private final EventFactory events = new EventFactory(1, 20);

  /** What a per-record running count emits: priming events first, then the measured ones, in id order. */
  private List<String> perRecord() {
    List<String> out = new ArrayList<>();
    Map<String, long[]> counts = new HashMap<>();
    Map<String, Double> totals = new HashMap<>();
    for (long i = 0; i < PRIMED + SENT; i++) {
      long id = i < PRIMED ? Priming.FIRST_ID + i : i - PRIMED;
      String account = events.accountId(id);
      long n = ++counts.computeIfAbsent(account, a -> new long[1])[0];
      double total = totals.merge(account, events.amountCents(id) / 100.0, Double::sum);
      out.add("{\"account_id\":\"" + account + "\",\"events\":" + n + ",\"total\":" + total + ",\"send_ns\":1}");
    }
    return out;
  }

  private static List<String> finalRows(List<String> rows) {
    Map<String, String> last = new LinkedHashMap<>();
    for (String r : rows) {
      last.put(r.substring(0, r.indexOf(",\"events\"")), r);
    }
    return new ArrayList<>(last.values());
  }

  @Test
  void everyUpdatePassesWhenEachEventsCountAndTotalCameOut() {
    OutputCheck check = OutputCheck.ofRunningCounts(perRecord(), PRIMED, SENT, events, true);

    assertThat(check.passed()).as(String.valueOf(check)).isTrue();
    assertThat(check.expected()).isEqualTo(PRIMED + SENT);
    assertThat(check.distinct()).isEqualTo(PRIMED + SENT);
  }

  @Test
  void aMissingUpdateADuplicateAndAWrongTotalAreFound() {
    List<String> rows = perRecord();
    rows.remove(100);
    rows.add(rows.get(5));
    rows.set(50, rows.get(50).replaceFirst("\"total\":[0-9.E]+", "\"total\":1.5"));

    OutputCheck check = OutputCheck.ofRunningCounts(rows, PRIMED, SENT, events, true);

    assertThat(check.passed()).isFalse();
    assertThat(check.missing()).isEqualTo(1);
    assertThat(check.duplicates()).isEqualTo(1);
    assertThat(check.wrong()).isEqualTo(1);
    assertThat(check.firstProblem()).contains("expected total");
  }

  @Test
  void primingEventsCountToo() {
    OutputCheck check = OutputCheck.ofRunningCounts(perRecord(), 0, SENT + PRIMED, events, true);

    assertThat(check.passed()).isFalse();
  }

  @Test
  void updateModeNeedsOnlyEachAccountsFinalRow() {
    List<String> rows = finalRows(perRecord());

    assertThat(OutputCheck.ofRunningCounts(rows, PRIMED, SENT, events, false).passed()).isTrue();
    assertThat(OutputCheck.ofRunningCounts(rows, PRIMED, SENT, events, true).passed()).isFalse();
    assertThat(OutputCheck.ofRunningCounts(rows.subList(1, rows.size()), PRIMED, SENT, events, false).missing())
        .isEqualTo(1);
  }
}
