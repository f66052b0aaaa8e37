package io.rtm.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventFactoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void eventsAreTwoHundredBytesOfJsonWithTheDocumentedFields() throws Exception {
    EventFactory events = new EventFactory(42, 100);
    Instant ts = Instant.parse("2024-01-01T00:00:01.5Z");

    byte[] value = events.json(123_456_789L, ts, 1_732_397_531_123_456_000L);
    JsonNode node = JSON.readTree(value);

    assertThat(value).hasSize(EventFactory.TARGET_BYTES);
    assertThat(node.get("event_id").asLong()).isEqualTo(123_456_789L);
    assertThat(node.get("account_id").asText()).isEqualTo(events.accountId(123_456_789L));
    assertThat(node.get("amount").asDouble()).isEqualTo(events.amountCents(123_456_789L) / 100.0);
    assertThat(node.get("merchant").asText()).isEqualTo(events.merchant(123_456_789L));
    assertThat(node.get("ts").asText()).isEqualTo("2024-01-01T00:00:01.500000Z");
    assertThat(node.get("send_ns").asLong()).isEqualTo(1_732_397_531_123_456_000L);
  }

  @Test
  void contentIsAFunctionOfSeedAndId() {
    EventFactory a = new EventFactory(7, 50);
    EventFactory b = new EventFactory(7, 50);
    Instant ts = Instant.EPOCH;

    for (long id = 0; id < 100; id++) {
      assertThat(a.json(id, ts, 0)).isEqualTo(b.json(id, ts, 0));
    }
    assertThat(new EventFactory(8, 50).json(1, ts, 0)).isNotEqualTo(a.json(1, ts, 0));
  }

  @Test
  void accountsCoverTheConfiguredRange() {
    EventFactory events = new EventFactory(1, 10);
    Set<String> accounts = new HashSet<>();
    for (long id = 0; id < 1000; id++) {
      accounts.add(events.accountId(id));
    }
    assertThat(accounts).hasSize(10).allMatch(a -> a.matches("acct-[0-9]"));
  }

  @Test
  void sendTimeComesFromHeaderThenSendUsThenSendNs() {
    RecordHeaders header = new RecordHeaders();
    header.add(EventGenerator.SEND_US_HEADER, ByteBuffer.allocate(8).putLong(77L).array());
    RecordHeaders none = new RecordHeaders();

    assertThat(SendTime.of(header, "{\"send_us\":5}")).isEqualTo(77L);
    assertThat(SendTime.of(none, "{\"x\":1,\"send_us\":5,\"send_ns\":9000}")).isEqualTo(5L);
    assertThat(SendTime.of(none, "{\"send_ns\":9000}")).isEqualTo(9L);
    assertThat(SendTime.of(none, "{\"send_us\": \"12\"}")).isEqualTo(12L);
    assertThat(SendTime.of(none, "{\"other\":1}")).isEqualTo(SendTime.UNKNOWN);
    assertThat(SendTime.of(none, (byte[]) null)).isEqualTo(SendTime.UNKNOWN);
    assertThat(SendTime.of(none, "{\"send_ns\":1}".getBytes(StandardCharsets.UTF_8))).isZero();
  }
}
