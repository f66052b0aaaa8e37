package io.rtm.bench.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtm.bench.harness.EventFactory;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The window-final fraud query's output against the windows its own input makes: each event
 * falls into the 1-second window of its event time (its send time, which the generator
 * recorded), and every (window, account) with more than the threshold events must come out once
 * with its count, and nothing else. Only windows every engine has closed and that hold measured
 * events only are compared: from the second after the first measured event (the first second may
 * also hold priming events) to windows ending {@link #MARGIN_MS} before the watermark the last
 * event set (its event time minus the 2 s delay): windows after that never close in a run that
 * stops sending, and each engine's watermark lags the newest event by a little more or less
 * (Flink's is the minimum over partitions, Spark's the maximum over a batch).
 */
final class WindowCountCheck {
  static final long WATERMARK_DELAY_MS = 2_000;
  static final long MARGIN_MS = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  private WindowCountCheck() {}

  /**
   * @param sendMicros epoch microseconds each measured event (0 .. sent-1) was sent at, its event time
   */
  static OutputCheck of(List<String> values, long sent, LongUnaryOperator sendMicros, EventFactory events,
      long threshold) {
    if (sent == 0) {
      return new OutputCheck(0, 0, 0, 0, 0, 0, null);
    }
    long firstMs = Long.MAX_VALUE;
    long lastMs = Long.MIN_VALUE;
    Map<String, Long> counts = new HashMap<>();
    long[] windowOf = new long[(int) sent];
    for (long id = 0; id < sent; id++) {
      long ms = sendMicros.applyAsLong(id) / 1_000;
      firstMs = Math.min(firstMs, ms);
      lastMs = Math.max(lastMs, ms);
      windowOf[(int) id] = Math.floorDiv(ms, 1_000) * 1_000;
    }
    long fromMs = Math.floorDiv(firstMs, 1_000) * 1_000 + 1_000;
    long lastEndMs = lastMs - WATERMARK_DELAY_MS - MARGIN_MS;
    for (long id = 0; id < sent; id++) {
      long start = windowOf[(int) id];
      if (start >= fromMs && start + 1_000 <= lastEndMs) {
        counts.merge(start + " " + events.accountId(id), 1L, Long::sum);
      }
    }
    Map<String, Long> expected = new HashMap<>();
    counts.forEach((k, n) -> {
      if (n > threshold) {
        expected.put(k, n);
      }
    });
    Map<String, Long> seen = new HashMap<>();
    long unexpected = 0;
    long duplicates = 0;
    long wrong = 0;
    String firstProblem = null;
    for (String value : values) {
      JsonNode row = parse(value);
      long start = row == null ? Long.MIN_VALUE : startMs(row.path("window_start").asText(""));
      if (start == Long.MIN_VALUE) {
        unexpected++;
        firstProblem = firstProblem == null ? "unreadable output " + value : firstProblem;
        continue;
      }
      if (start < fromMs || start + 1_000 > lastEndMs) {
        continue;
      }
      String key = start + " " + row.path("account_id").asText();
      long n = row.path("events").asLong(-1);
      Long want = expected.get(key);
      if (want == null) {
        unexpected++;
        firstProblem = firstProblem == null ? "unexpected window " + value : firstProblem;
        continue;
      }
      if (seen.containsKey(key)) {
        duplicates++;
      }
      seen.put(key, n);
      if (n != want) {
        wrong++;
        firstProblem = firstProblem == null ? "window " + key + " came out as " + value + ", expected " + want
            + " events" : firstProblem;
      }
    }
    long missing = expected.keySet().stream().filter(k -> !seen.containsKey(k)).count();
    if (firstProblem == null && missing > 0) {
      firstProblem = "window " + expected.keySet().stream().filter(k -> !seen.containsKey(k)).sorted().findFirst()
          .orElseThrow() + " (" + expected.size() + " expected) is missing";
    }
    return new OutputCheck(expected.size(), seen.size(), missing, unexpected, duplicates, wrong, firstProblem);
  }

  /** Epoch ms of a {@code window_start} as Spark's {@code to_json} (and the Flink job) write it. */
  static long startMs(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return Long.MIN_VALUE;
    }
  }

  private static JsonNode parse(String value) {
    try {
      return value == null ? null : JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
