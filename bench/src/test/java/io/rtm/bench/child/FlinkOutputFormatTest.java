package io.rtm.bench.child;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtm.bench.flink.EventJson;
import io.rtm.bench.flink.FlinkEvent;
import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.spec.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The Flink jobs' per-event JSON against the relay's, which the Spark queries' output check already
 * accepts: same fields, same values, same order, for the filter, the projection and the join.
 */
class FlinkOutputFormatTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final EventFactory events = new EventFactory(1, 12_000);
  private final EventJson json = new EventJson();

  private byte[] input(long id) {
    return events.json(id, Instant.parse("2024-01-01T00:00:00.250Z").plusMillis(id), 1_700_000_000_123_456_000L + id);
  }

  @Test
  void theProjectionWritesWhatTheRelayWritesForEveryKeptEventAndTheFilterKeepsTheSameEvents() throws Exception {
    RelayTransform relay = new RelayTransform(Workload.STATELESS);
    for (long id = 0; id < 500; id++) {
      FlinkEvent e = json.parse(input(id), null);
      String relayed = relay.apply(new String(input(id), StandardCharsets.US_ASCII));
      assertThat(EventJson.kept(e)).as("event %d", id).isEqualTo(relayed != null).isEqualTo(Workload.kept(events, id));
      if (relayed != null) {
        String flink = json.perEvent(e);
        assertThat(MAPPER.readTree(flink)).isEqualTo(MAPPER.readTree(relayed));
        assertThat(fieldNames(flink)).isEqualTo(fieldNames(relayed));
      }
    }
  }

  @Test
  void theJoinAddsTheSameAccountColumnsAndDropsAccountsOutsideTheTable() throws Exception {
    RelayTransform relay = new RelayTransform(Workload.BROADCAST_JOIN);
    long outside = LongStream.range(0, 5_000)
        .filter(id -> Workload.kept(events, id))
        .filter(id -> Integer.parseInt(events.accountId(id).substring(5)) >= Workload.DIMENSION_ROWS)
        .findFirst().orElseThrow();
    assertThat(relay.apply(new String(input(outside), StandardCharsets.US_ASCII))).isNull();

    long inside = LongStream.range(0, 5_000)
        .filter(id -> Workload.kept(events, id))
        .filter(id -> Integer.parseInt(events.accountId(id).substring(5)) < Workload.DIMENSION_ROWS)
        .findFirst().orElseThrow();
    FlinkEvent e = json.parse(input(inside), null);
    int row = Integer.parseInt(e.accountId.substring(5));
    String flink = json.joined(e, row % 5, "region-" + row % 16);
    String relayed = relay.apply(new String(input(inside), StandardCharsets.US_ASCII));
    assertThat(MAPPER.readTree(flink)).isEqualTo(MAPPER.readTree(relayed));
    assertThat(fieldNames(flink)).isEqualTo(fieldNames(relayed));
  }

  @Test
  void parsingKeepsTheEventTimeAndTheSendTimeHeader() throws Exception {
    byte[] header = {0, 0, 0, 0, 0, 0, 0, 42};
    FlinkEvent e = json.parse(input(7), header);
    assertThat(e.eventId).isEqualTo(7);
    assertThat(e.tsMillis).isEqualTo(Instant.parse("2024-01-01T00:00:00.257Z").toEpochMilli());
    assertThat(e.sendNs).isEqualTo(1_700_000_000_123_456_007L);
    assertThat(e.sendUsHeader).isSameAs(header);
  }

  @Test
  void aggregateRowsHaveTheSparkQueriesColumnsAndSparksTimestampFormat() throws Exception {
    JsonNode alert = MAPPER.readTree(json.alert(Instant.parse("2024-01-01T00:00:01Z").toEpochMilli(), "acct-3", 7, 99));
    assertThat(fieldNames(json.alert(0, "acct-3", 7, 99))).isEqualTo("window_start,account_id,events,send_ns");
    assertThat(alert.path("window_start").asText()).isEqualTo("2024-01-01T00:00:01.000Z");
    assertThat(alert.path("events").asLong()).isEqualTo(7);

    assertThat(fieldNames(json.totals("acct-3", 2, 10.5, 99))).isEqualTo("account_id,events,total,send_ns");
    assertThat(MAPPER.readTree(json.totals("acct-3", 2, 10.5, 99)).path("total").asDouble()).isEqualTo(10.5);
  }

  private static String fieldNames(String value) throws Exception {
    StringBuilder names = new StringBuilder();
    MAPPER.readTree(value).fieldNames().forEachRemaining(n -> names.append(names.length() == 0 ? "" : ",").append(n));
    return names.toString();
  }
}
