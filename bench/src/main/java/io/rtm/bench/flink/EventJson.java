package io.rtm.bench.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtm.bench.spec.Workload;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The Flink jobs' JSON, read and written with Jackson as a Flink user would, field for field what
 * the Spark queries' {@code from_json} / {@code to_json} produce (same names, same order), so the
 * benchmark's output check reads both the same way. One difference: Spark re-formats {@code ts}
 * from its timestamp type, Flink passes the generator's string through.
 */
public final class EventJson {
  /** Spark's default JSON timestamp format ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}), in UTC. */
  private static final DateTimeFormatter SPARK_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper = new ObjectMapper();

  /** The event in {@code value}; {@code sendUsHeader} may be null. */
  public FlinkEvent parse(byte[] value, byte[] sendUsHeader) throws IOException {
    JsonNode json = mapper.readTree(value);
    FlinkEvent e = new FlinkEvent();
    e.eventId = json.path("event_id").asLong();
    e.accountId = json.path("account_id").asText();
    e.amount = json.path("amount").asDouble();
    e.merchant = json.path("merchant").asText();
    e.ts = json.path("ts").asText();
    e.tsMillis = Instant.parse(e.ts).toEpochMilli();
    e.sendNs = json.path("send_ns").asLong();
    e.sendUsHeader = sendUsHeader;
    return e;
  }

  /** The filter every per-event workload shares ({@link Workload#MIN_AMOUNT_CENTS}). */
  public static boolean kept(FlinkEvent e) {
    return e.amount >= Workload.MIN_AMOUNT_CENTS / 100.0;
  }

  /** The per-event projection: Spark's {@code to_json(struct(event_id, ..., send_ns))}. */
  public String perEvent(FlinkEvent e) {
    return write(eventFields(e));
  }

  /** The join's projection: the event's fields, then the account's {@code tier} and {@code region}. */
  public String joined(FlinkEvent e, long tier, String region) {
    ObjectNode o = eventFields(e);
    o.put("tier", tier);
    o.put("region", region);
    return write(o);
  }

  /** The aggregation's row: {@code account_id, events, total, send_ns}. */
  public String totals(String accountId, long events, double total, long sendNs) {
    ObjectNode o = mapper.createObjectNode();
    o.put("account_id", accountId);
    o.put("events", events);
    o.put("total", total);
    o.put("send_ns", sendNs);
    return write(o);
  }

  /** The fraud query's row: {@code window_start, account_id, events, send_ns}. */
  public String alert(long windowStartMs, String accountId, long events, long sendNs) {
    ObjectNode o = mapper.createObjectNode();
    o.put("window_start", SPARK_TIMESTAMP.format(Instant.ofEpochMilli(windowStartMs)));
    o.put("account_id", accountId);
    o.put("events", events);
    o.put("send_ns", sendNs);
    return write(o);
  }

  private ObjectNode eventFields(FlinkEvent e) {
    ObjectNode o = mapper.createObjectNode();
    o.put("event_id", e.eventId);
    o.put("account_id", e.accountId);
    o.put("amount", e.amount);
    o.put("merchant", e.merchant.toUpperCase(Locale.ROOT));
    o.put("ts", e.ts);
    o.put("send_ns", e.sendNs);
    return o;
  }

  private String write(ObjectNode o) {
    try {
      return mapper.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
