package io.rtm.bench.child;

/**
 * Field access on the generator's flat JSON objects (no nesting, no escapes in values) without a
 * parser: the relay is the floor the Spark modes are compared with, so it does no more work per
 * record than it must.
 */
final class FlatJson {
  private FlatJson() {}

  /** The value of {@code key} as written (strings without their quotes), or null if absent. */
  static String raw(String json, String key) {
    String needle = "\"" + key + "\":";
    int at = json.indexOf(needle);
    if (at < 0) {
      return null;
    }
    int start = at + needle.length();
    if (start < json.length() && json.charAt(start) == '"') {
      int end = json.indexOf('"', start + 1);
      return end < 0 ? null : json.substring(start + 1, end);
    }
    int end = start;
    while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
      end++;
    }
    return json.substring(start, end).trim();
  }
}
