package io.rtm.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.bench.harness.EventFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowCountCheckTest {
  /** One account, so every window's count is the events in it. */
  private static final EventFactory ONE_ACCOUNT = new EventFactory(1, 1);
  /** A whole second: events start half a second after it. */
  private static final long X_MS = 1_700_000_000_000L;

  /** Event i is sent at X + 0.5 s + i * 100 ms: window X+k (k = 1..5) holds 10 events, X+0 and X+6 hold 5. */
  private static long sendMicros(long id) {
    return (X_MS + 500 + 100 * id) * 1_000;
  }

  private static String row(long windowStartMs, long events) {
    return "{\"window_start\":\"" + Instant.ofEpochMilli(windowStartMs) + "\",\"account_id\":\"acct-0\",\"events\":"
        + events + ",\"send_ns\":1}";
  }

  @Test
  void comparesOnlyTheClosedWindowsOfMeasuredEvents() {
    // The last event is at X+6.4 s, so the watermark ends at X+4.4 s; with the 0.5 s margin, windows
    // ending by X+3.9 s are compared: X+1 and X+2. X+0 may also hold priming events: not compared.
    List<String> out = List.of(row(X_MS, 5), row(X_MS + 1_000, 10), row(X_MS + 2_000, 10), row(X_MS + 3_000, 10));
    OutputCheck check = WindowCountCheck.of(out, 60, WindowCountCheckTest::sendMicros, ONE_ACCOUNT, 5);
    assertThat(check.passed()).isTrue();
    assertThat(check.expected()).isEqualTo(2);
    assertThat(check.distinct()).isEqualTo(2);
  }

  @Test
  void aMissingWindowAWrongCountAndAWindowBelowTheThresholdAreFound() {
    OutputCheck missing = WindowCountCheck.of(List.of(row(X_MS + 1_000, 10)), 60, WindowCountCheckTest::sendMicros,
        ONE_ACCOUNT, 5);
    assertThat(missing.missing()).isEqualTo(1);
    assertThat(missing.firstProblem()).contains(Long.toString(X_MS + 2_000));

    OutputCheck wrong = WindowCountCheck.of(List.of(row(X_MS + 1_000, 10), row(X_MS + 2_000, 9)), 60,
        WindowCountCheckTest::sendMicros, ONE_ACCOUNT, 5);
    assertThat(wrong.wrong()).isEqualTo(1);
    assertThat(wrong.passed()).isFalse();

    // At threshold 10 no window alerts (10 is not above it): any alert in range is unexpected.
    OutputCheck unexpected = WindowCountCheck.of(List.of(row(X_MS + 1_000, 10)), 60, WindowCountCheckTest::sendMicros,
        ONE_ACCOUNT, 10);
    assertThat(unexpected.unexpected()).isEqualTo(1);
    assertThat(unexpected.expected()).isZero();
  }

  @Test
  void readsSparksAndFlinksTimestampForms() {
    assertThat(WindowCountCheck.startMs("2023-11-14T22:13:21.000Z")).isEqualTo(1_700_000_001_000L);
    assertThat(WindowCountCheck.startMs("2023-11-14T22:13:21.000+00:00")).isEqualTo(1_700_000_001_000L);
    assertThat(WindowCountCheck.startMs("not a time")).isEqualTo(Long.MIN_VALUE);
  }
}
