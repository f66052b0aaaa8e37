package io.rtm.bench.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtm.bench.harness.EventFactory;
import io.rtm.bench.spec.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RelayTransformTest {
  private final EventFactory events = new EventFactory(1, 10_000);

  private String input(long id) {
    return new String(events.json(id, Instant.parse("2024-01-01T00:00:00Z"), 123_000L), StandardCharsets.US_ASCII);
  }

  @Test
  void keepsExactlyTheEventsTheSparkFilterKeepsAndProjectsTheSameFields() {
    RelayTransform transform = new RelayTransform(Workload.STATELESS);
    long kept = LongStream.range(0, 2_000).filter(id -> transform.apply(input(id)) != null).count();
    long expected = LongStream.range(0, 2_000).filter(id -> Workload.kept(events, id)).count();
    assertThat(kept).isEqualTo(expected).isBetween(1_700L, 1_900L);

    long id = LongStream.range(0, 100).filter(i -> Workload.kept(events, i)).findFirst().orElseThrow();
    assertThat(transform.apply(input(id)))
        .startsWith("{\"event_id\":" + id + ",\"account_id\":\"" + events.accountId(id) + "\"")
        .contains("\"merchant\":\"" + events.merchant(id).toUpperCase(Locale.ROOT) + "\"")
        .contains("\"send_ns\":123000")
        .endsWith("}");
  }

  @Test
  void joinAddsTheAccountTableColumns() {
    RelayTransform transform = new RelayTransform(Workload.BROADCAST_JOIN);
    long id = LongStream.range(0, 100).filter(i -> Workload.kept(events, i)).findFirst().orElseThrow();
    int account = Integer.parseInt(events.accountId(id).substring("acct-".length()));

    assertThat(transform.apply(input(id)))
        .endsWith(",\"tier\":" + account % 5 + ",\"region\":\"region-" + account % 16 + "\"}");
  }

  @Test
  void refusesStatefulWorkloads() {
    assertThatThrownBy(() -> new RelayTransform(Workload.AGGREGATION))
        .isInstanceOf(UnsupportedWorkloadException.class);
  }
}
