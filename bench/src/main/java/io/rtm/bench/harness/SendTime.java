package io.rtm.bench.harness;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Finds an output record's original send time (epoch microseconds), wherever the query kept it:
 * the {@code send_us} header if headers were copied, else a {@code send_us} or {@code send_ns}
 * number in the JSON value. A string scan, not a JSON parse: it runs for every output record.
 */
final class SendTime {
  static final long UNKNOWN = Long.MIN_VALUE;

  private SendTime() {}

  static long of(Headers headers, String value) {
    Header header = headers.lastHeader(EventGenerator.SEND_US_HEADER);
    if (header != null && header.value() != null && header.value().length == 8) {
      return ByteBuffer.wrap(header.value()).getLong();
    }
    if (value == null) {
      return UNKNOWN;
    }
    long micros = number(value, "\"send_us\":");
    if (micros != UNKNOWN) {
      return micros;
    }
    long nanos = number(value, "\"send_ns\":");
    return nanos == UNKNOWN ? UNKNOWN : nanos / 1_000;
  }

  static long of(Headers headers, byte[] value) {
    return of(headers, value == null ? null : new String(value, StandardCharsets.UTF_8));
  }

  /** The integer after {@code key} (optionally quoted, as Spark's to_json writes longs unquoted). */
  static long number(String json, String key) {
    int at = json.indexOf(key);
    if (at < 0) {
      return UNKNOWN;
    }
    int i = at + key.length();
    while (i < json.length() && (json.charAt(i) == ' ' || json.charAt(i) == '"')) {
      i++;
    }
    int start = i;
    if (i < json.length() && json.charAt(i) == '-') {
      i++;
    }
    while (i < json.length() && Character.isDigit(json.charAt(i))) {
      i++;
    }
    if (i == start) {
      return UNKNOWN;
    }
    try {
      return Long.parseLong(json, start, i, 10);
    } catch (NumberFormatException e) {
      return UNKNOWN;
    }
  }
}
