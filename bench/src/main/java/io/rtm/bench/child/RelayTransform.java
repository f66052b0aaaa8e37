package io.rtm.bench.child;

import io.rtm.bench.spec.Workload;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The relay's version of a per-event workload: the same filter and the same output fields as the
 * Spark query's projection (and, for the join, the same account table, held in a map as a
 * broadcast table would be).
 */
final class RelayTransform {
  private final Workload workload;
  private final Map<String, String> accountColumns = new HashMap<>();

  RelayTransform(Workload workload) {
    if (!workload.outputPerEvent()) {
      throw new UnsupportedWorkloadException(
          "the relay implements the per-event workloads only, not " + workload.id());
    }
    this.workload = workload;
    if (workload == Workload.BROADCAST_JOIN) {
      for (int id = 0; id < Workload.DIMENSION_ROWS; id++) {
        accountColumns.put("acct-" + id, ",\"tier\":" + id % 5 + ",\"region\":\"region-" + id % 16 + "\"");
      }
    }
  }

  /** The output value for an input value, or null when the filter (or the join) drops it. */
  String apply(String json) {
    String amount = FlatJson.raw(json, "amount");
    if (amount == null || Double.parseDouble(amount) < Workload.MIN_AMOUNT_CENTS / 100.0) {
      return null;
    }
    String account = FlatJson.raw(json, "account_id");
    String joined = "";
    if (workload == Workload.BROADCAST_JOIN) {
      joined = accountColumns.get(account);
      if (joined == null) {
        return null; // inner join
      }
    }
    return "{\"event_id\":" + FlatJson.raw(json, "event_id")
        + ",\"account_id\":\"" + account
        + "\",\"amount\":" + amount
        + ",\"merchant\":\"" + FlatJson.raw(json, "merchant").toUpperCase(Locale.ROOT)
        + "\",\"ts\":\"" + FlatJson.raw(json, "ts")
        + "\",\"send_ns\":" + FlatJson.raw(json, "send_ns")
        + joined + "}";
  }
}
