package io.rtm.it;

import java.util.Locale;

/** Deterministic input events: every field derives from the event id. */
final class Events {
  private Events() {}

  static String account(long id) {
    return "acct-" + (id % 37);
  }

  static double amount(long id) {
    return (id * 7919 % 1000) / 10.0;
  }

  static String merchant(long id) {
    return "shop-" + (id % 11);
  }

  static String json(long id, String account, double amount, String merchant) {
    return String.format(Locale.ROOT,
        "{\"event_id\":%d,\"account_id\":\"%s\",\"amount\":%.1f,\"merchant\":\"%s\",\"ts\":\"2026-01-01T00:00:%02d.000Z\"}",
        id, account, amount, merchant, id % 60);
  }

  /** The event id inside an output value of {@link Queries#shuffled}. */
  static long idOf(String outputJson) {
    int i = outputJson.indexOf("\"event_id\":") + "\"event_id\":".length();
    int j = i;
    while (j < outputJson.length() && Character.isDigit(outputJson.charAt(j))) {
      j++;
    }
    return Long.parseLong(outputJson.substring(i, j));
  }
}
