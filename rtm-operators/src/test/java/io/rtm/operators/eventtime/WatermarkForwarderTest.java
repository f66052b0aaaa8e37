package io.rtm.operators.eventtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtm.operators.EpochOutput;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order rows and watermarks leave a stage in: a row a holding operator emits because the
 * watermark passed it must leave before that watermark (else the next stateful stage drops it as
 * late).
 */
class WatermarkForwarderTest {
  private static final long TASK = -43L;

  /** Records what the stage sends, in order: "row" or "wm:<ms>". */
  private static final class RecordingOutput implements EpochOutput {
    final List<String> sent = new ArrayList<>();

    @Override
    public void beginEpoch(long epoch) {}

    @Override
    public void write(InternalRow row) {
      sent.add("row");
    }

    @Override
    public void watermark(long watermarkMs) {
      sent.add("wm:" + watermarkMs);
    }

    @Override
    public void endEpoch(long epoch) {}

    @Override
    public void abortEpoch() {}

    @Override
    public void close() {}
  }

  @AfterEach
  void forget() {
    TaskEventTime.forget(TASK);
  }

  @Test
  void withoutAHoldingOperatorTheWatermarkFollowsTheRowThatRaisedIt() throws Exception {
    TaskEventTime time = TaskEventTime.of(TASK);
    RecordingOutput out = new RecordingOutput();
    WatermarkForwarder forwarder = new WatermarkForwarder(time, out, -1);

    time.inputWatermark(5_000L);
    out.write(null);
    forwarder.afterRow();

    assertThat(out.sent).containsExactly("row", "wm:5000");
  }

  @Test
  void aHoldingOperatorsRowsMadeDueByAWatermarkLeaveBeforeIt() throws Exception {
    TaskEventTime time = TaskEventTime.of(TASK);
    RecordingOutput out = new RecordingOutput();
    WatermarkForwarder forwarder = new WatermarkForwarder(time, out, -1);
    time.onRelease(() -> {
      try {
        forwarder.afterRelease();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    time.holdForwarding();

    time.released(); // before the first read: no watermark yet
    time.inputWatermark(5_000L); // the read raised it; three windows close
    for (int i = 0; i < 3; i++) {
      out.write(null);
      forwarder.afterRow();
    }
    assertThat(out.sent).containsExactly("row", "row", "row");
    assertThat(time.forwardableMs()).isEqualTo(Long.MIN_VALUE);

    time.released(); // all three emitted, about to read again
    assertThat(out.sent).containsExactly("row", "row", "row", "wm:5000");
    assertThat(time.forwardableMs()).isEqualTo(5_000L);

    time.released(); // nothing new: nothing sent twice
    assertThat(out.sent).hasSize(4);
  }

  @Test
  void theEpochEndSendsTheFullWatermark() throws Exception {
    TaskEventTime time = TaskEventTime.of(TASK);
    RecordingOutput out = new RecordingOutput();
    WatermarkForwarder forwarder = new WatermarkForwarder(time, out, -1);
    time.holdForwarding();
    time.inputWatermark(7_000L);
    out.write(null);
    forwarder.afterRow();
    forwarder.atEpochEnd();

    assertThat(out.sent).containsExactly("row", "wm:7000");
  }

  /**
   * A join holds with its output watermark (here a hand-written one second of slack, as for
   * {@code r_ts <= l_ts + 1 second}): downstream sees the output watermark of the watermark it last
   * evicted by, after the unmatched rows that eviction emitted, never the task's full watermark.
   */
  @Test
  void aJoinForwardsItsOutputWatermarkOfWhatItEvictedAfterTheRowsItEmitted() throws Exception {
    TaskEventTime time = TaskEventTime.of(TASK);
    RecordingOutput out = new RecordingOutput();
    WatermarkForwarder forwarder = new WatermarkForwarder(time, out, -1);
    time.onRelease(() -> {
      try {
        forwarder.afterRelease();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    List<Long> asked = new ArrayList<>();
    time.holdForwarding(wm -> {
      asked.add(wm);
      return wm - 1_000L;
    });

    time.released(Long.MIN_VALUE); // nothing evicted yet
    time.inputWatermark(10_000L);
    out.write(null); // a match, on arrival
    forwarder.afterRow();
    assertThat(out.sent).containsExactly("row");

    // Evicted at 8,000 only (evictions are throttled): two unmatched rows, then 7,000.
    out.write(null);
    out.write(null);
    time.released(8_000L);
    assertThat(out.sent).containsExactly("row", "row", "row", "wm:7000");
    forwarder.afterRow();
    time.released(8_000L);
    assertThat(out.sent).hasSize(4);

    // The epoch end evicted by the full watermark: its output watermark goes, not 10,000.
    forwarder.atEpochEnd();
    assertThat(out.sent).containsExactly("row", "row", "row", "wm:7000", "wm:9000");
    assertThat(asked).as("the output watermark is worked out per release and epoch end, not per row")
        .containsExactly(8_000L, 10_000L);
  }
}
