package io.rtm.bench.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.spec.Workload;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a checked run's output comes to once it is complete, in a form two engines can be compared
 * in whatever rows they emitted on the way: per-event workloads, each output event's id with its
 * account and merchant; the keyed aggregation, each account's last (count, total) over the
 * measured events only. Runs of one benchmark feed every mode the same measured events (ids 0 ..
 * n-1 of one seed), but a different number of priming events (as many as it took until the first
 * output), so their contribution to the aggregation's totals is taken out; an account only
 * priming events touched is left out.
 *
 * <p>The fraud queries have none: their windows are of wall-clock event time, so two runs' windows
 * hold different events (see docs/benchmarks.md).
 *
 * @param rows key to value, sorted, for a readable first difference
 */
public record FinalOutput(SortedMap<String, String> rows) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Null for a workload whose output cannot be compared across runs. */
  static FinalOutput of(Workload workload, List<String> values, long primed, EventFactory events) {
    if (workload.outputPerEvent()) {
      return perEvent(values, events);
    }
    if (workload == Workload.AGGREGATION) {
      return lastPerAccount(values, primed, events);
    }
    return null;
  }

  private static FinalOutput perEvent(List<String> values, EventFactory events) {
    SortedMap<String, String> rows = new TreeMap<>();
    for (String value : values) {
      JsonNode row = parse(value);
      long id = row == null ? -1 : row.path("event_id").asLong(-1);
      if (id < 0 || id >= Priming.FIRST_ID) {
        continue;
      }
      rows.put(String.format(Locale.ROOT, "%012d", id),
          row.path("account_id").asText() + " " + row.path("merchant").asText());
    }
    return new FinalOutput(rows);
  }

  /** Counts only grow, so an account's last row is its row with the most events. */
  static FinalOutput lastPerAccount(List<String> values, long primed, EventFactory events) {
    Map<String, long[]> primingCounts = new HashMap<>();
    Map<String, Double> primingSums = new HashMap<>();
    for (long i = 0; i < primed; i++) {
      long id = Priming.FIRST_ID + i;
      String account = events.accountId(id);
      primingCounts.computeIfAbsent(account, a -> new long[1])[0]++;
      primingSums.merge(account, events.amountCents(id) / 100.0, Double::sum);
    }
    Map<String, JsonNode> last = new HashMap<>();
    for (String value : values) {
      JsonNode row = parse(value);
      String account = row == null ? null : row.path("account_id").asText(null);
      if (account == null) {
        continue;
      }
      JsonNode seen = last.get(account);
      if (seen == null || row.path("events").asLong() > seen.path("events").asLong()) {
        last.put(account, row);
      }
    }
    SortedMap<String, String> rows = new TreeMap<>();
    last.forEach((account, row) -> {
      long count = row.path("events").asLong() - primingCounts.getOrDefault(account, new long[1])[0];
      double total = row.path("total").asDouble() - primingSums.getOrDefault(account, 0.0);
      if (count > 0) {
        rows.put(account, String.format(Locale.ROOT, "events=%d total=%.2f", count, total));
      }
    });
    return new FinalOutput(rows);
  }

  /** Null when equal, else the first key (in order) where they differ, with both values. */
  public String firstDifference(FinalOutput other) {
    java.util.SortedSet<String> keys = new java.util.TreeSet<>(rows.keySet());
    keys.addAll(other.rows.keySet());
    for (String key : keys) {
      String a = rows.get(key);
      String b = other.rows.get(key);
      if (!java.util.Objects.equals(a, b)) {
        return key + ": " + (a == null ? "absent" : a) + " vs " + (b == null ? "absent" : b);
      }
    }
    return null;
  }

  public int size() {
    return rows.size();
  }

  private static JsonNode parse(String value) {
    try {
      return value == null ? null : JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
