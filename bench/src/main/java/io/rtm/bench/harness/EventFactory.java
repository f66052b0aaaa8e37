package io.rtm.bench.harness;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The content of event {@code id}: a pure function of (seed, accounts, id), so a correctness test
 * can recompute what it sent. Only {@code ts} (when the caller passes the send time) and {@code
 * send_ns} depend on when the event was sent.
 *
 * <pre>{"event_id":42,"account_id":"acct-7","amount":431.07,"merchant":"Blue Bottle Coffee",
 * "ts":"2024-01-01T00:00:00.042000Z","send_ns":1732397531123456000,"memo":"xxxx"}</pre>
 *
 * <p>{@code memo} is filler that brings every record to {@link #TARGET_BYTES}, so throughput in
 * records/s translates to a fixed byte rate.
 */
public final class EventFactory {
  public static final int TARGET_BYTES = 200;

  private static final List<String> MERCHANTS =
      List.of(
          "Blue Bottle Coffee",
          "Northwind Grocery",
          "Contoso Electronics",
          "Fabrikam Books",
          "Tailspin Airlines",
          "Wide World Importers",
          "Adventure Works Cycles",
          "Litware Pharmacy",
          "Proseware Fuel",
          "Woodgrove Hardware",
          "Margie's Travel",
          "Alpine Ski House");

  /** Event time with a fixed width (microseconds, always six digits) for predictable sizes. */
  private static final DateTimeFormatter TS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final long seed;
  private final int accounts;

  public EventFactory(long seed, int accounts) {
    if (accounts < 1) {
      throw new IllegalArgumentException("accounts must be >= 1: " + accounts);
    }
    this.seed = seed;
    this.accounts = accounts;
  }

  public String accountId(long eventId) {
    return "acct-" + Math.floorMod(mix(eventId), accounts);
  }

  /** Amount in cents, 0.01 .. 9999.99. */
  public long amountCents(long eventId) {
    return 1 + Long.remainderUnsigned(mix(eventId) >>> 8, 999_999);
  }

  public String merchant(long eventId) {
    return MERCHANTS.get((int) Long.remainderUnsigned(mix(eventId) >>> 32, MERCHANTS.size()));
  }

  /** The JSON value of event {@code eventId} with the given event time and send time. */
  public byte[] json(long eventId, Instant eventTime, long sendNanos) {
    long cents = amountCents(eventId);
    StringBuilder json = new StringBuilder(TARGET_BYTES + 16);
    json.append("{\"event_id\":").append(eventId)
        .append(",\"account_id\":\"").append(accountId(eventId))
        .append("\",\"amount\":").append(cents / 100).append('.')
        .append((char) ('0' + cents / 10 % 10)).append((char) ('0' + cents % 10))
        .append(",\"merchant\":\"").append(merchant(eventId))
        .append("\",\"ts\":\"").append(TS.format(eventTime))
        .append("\",\"send_ns\":").append(sendNanos)
        .append(",\"memo\":\"");
    // All content is ASCII, so chars equal bytes.
    int pad = TARGET_BYTES - json.length() - 2;
    for (int i = 0; i < pad; i++) {
      json.append('x');
    }
    json.append("\"}");
    return json.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** SplitMix64 of (seed, id): independent of the order in which events are generated. */
  private long mix(long eventId) {
    long z = seed + (eventId + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
