package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer half of the protocol: an {@link InputGate} whose single channel is an
 * EmbeddedChannel. The test plays the producer and, as the gate's reader, the task thread.
 */
@ExtendWith(NettyLeakCheck.class)
class ConsumerHandlerTest {

  private static final ProducerAddress PRODUCER = new ProducerAddress(4, "10.0.0.1", 7001);

  private InputGate gate;
  private EmbeddedChannel ch;

  private void open(int credits) {
    gate =
        new InputGate(
            TestSupport.conf("creditsPerChannel", credits), "run-9", 1, 3, List.of(PRODUCER));
    ch = new EmbeddedChannel(new ConsumerHandler(gate.remoteChannel(0)));
    gate.remoteChannel(0).subscribe(ch, "run-9", 1, 3);
  }

  private List<Frame> written() {
    ch.runPendingTasks();
    List<Frame> out = new ArrayList<>();
    Frame f;
    while ((f = ch.readOutbound()) != null) {
      out.add(f);
    }
    return out;
  }

  @AfterEach
  void tearDown() {
    gate.close();
    ch.finishAndReleaseAll();
  }

  @Test
  void subscribesWithTheInitialCredit() {
    open(5);
    assertThat(written())
        .containsExactly(new Frame.Subscribe(Frame.PROTOCOL_VERSION, "run-9", 1, 4, 3, 5));
  }

  @Test
  void returnsRecordsAsZeroCopyViewsOfTheBuffer() throws Exception {
    open(4);
    ch.writeInbound(new Frame.Data(0, TestSupport.batch("ab".getBytes(), new byte[0])));
    ch.writeInbound(new Frame.Event(1, new EpochBarrier(0)));

    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(new String(TestSupport.copyRecord(gate))).isEqualTo("ab");
    byte[] array = gate.recordArray();
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.recordLength()).isZero();
    assertThat(gate.recordArray()).as("same backing array, no per-record copy").isSameAs(array);
    assertThat(gate.next()).isEqualTo(GateResult.EPOCH_END);
    assertThat(gate.lastAlignedEpoch()).isZero();
    assertThat(gate.metrics().records()).isEqualTo(2);
  }

  @Test
  void creditIsAnnouncedOnceWhenItGoesFromZeroToNonZero() throws Exception {
    open(4);
    written();
    for (int i = 0; i < 3; i++) {
      ch.writeInbound(new Frame.Data(i, TestSupport.batch(new byte[] {(byte) i})));
    }
    ch.writeInbound(new Frame.Event(3, new EpochBarrier(7)));
    assertThat(gate.remoteChannel(0).outstandingCredit()).isEqualTo(1);

    for (int i = 0; i < 3; i++) {
      assertThat(gate.next()).isEqualTo(GateResult.RECORD);
      assertThat(gate.recordArray()[gate.recordOffset()]).isEqualTo((byte) i);
    }
    assertThat(gate.next()).isEqualTo(GateResult.EPOCH_END);
    assertThat(gate.metrics().buffers()).isEqualTo(3);

    // Three buffers were finished before the event loop ran: one ADD_CREDIT carries all three.
    assertThat(written()).containsExactly(new Frame.AddCredit(3));
    assertThat(gate.remoteChannel(0).outstandingCredit()).isEqualTo(4);
  }

  @Test
  void sequenceGapFailsTheGateNamingTheProducer() {
    open(4);
    written();
    ch.writeInbound(new Frame.Data(0, TestSupport.batch(new byte[] {1})));
    ch.writeInbound(new Frame.Data(2, TestSupport.batch(new byte[] {2})));

    assertThatThrownBy(gate::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("sequence gap: expected frame 1 but got 2")
        .hasMessageContaining("10.0.0.1:7001")
        .hasMessageContaining("mapIndex 4")
        .hasMessageContaining("subpartition 3");
    // The producer is told why the consumer hangs up.
    assertThat(written())
        .singleElement()
        .isInstanceOfSatisfying(
            Frame.ErrorMessage.class, e -> assertThat(e.message()).contains("sequence gap"));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void dataWithoutCreditIsAProtocolError() {
    open(1);
    ch.writeInbound(new Frame.Data(0, TestSupport.batch(new byte[] {1})));
    ch.writeInbound(new Frame.Data(1, TestSupport.batch(new byte[] {2})));

    assertThatThrownBy(gate::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("without credit");
  }

  @Test
  void producerErrorIsRethrownOnTheTaskThread() {
    open(2);
    ch.writeInbound(new Frame.ErrorMessage("disk on fire"));

    assertThatThrownBy(gate::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("disk on fire")
        .hasMessageContaining("10.0.0.1:7001");
  }

  @Test
  void connectionLossBeforeEndOfPartitionFailsTheGate() throws Exception {
    open(2);
    ch.writeInbound(new Frame.Data(0, TestSupport.batch(new byte[] {1})));
    ch.close();

    assertThatThrownBy(gate::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("Lost connection to shuffle producer 10.0.0.1:7001 (mapIndex 4)")
        .hasMessageContaining("Check whether the executor");
  }

  @Test
  void endOfPartitionEndsTheInputAndClosesTheConnection() throws Exception {
    open(2);
    ch.writeInbound(new Frame.Data(0, TestSupport.batch(new byte[] {1})));
    ch.writeInbound(new Frame.EndOfPartition(1));

    assertThat(ch.isOpen()).isFalse();
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.next()).isEqualTo(GateResult.END_OF_INPUT);
    assertThat(gate.next()).isEqualTo(GateResult.END_OF_INPUT);
  }

  @Test
  void watermarkIsTheMinimumOverChannels() throws Exception {
    ProducerAddress other = new ProducerAddress(5, "10.0.0.2", 7001);
    gate = new InputGate(TestSupport.conf(), "run-9", 1, 3, List.of(PRODUCER, other));
    ch = new EmbeddedChannel(new ConsumerHandler(gate.remoteChannel(0)));
    EmbeddedChannel ch2 = new EmbeddedChannel(new ConsumerHandler(gate.remoteChannel(1)));
    gate.remoteChannel(0).subscribe(ch, "run-9", 1, 3);
    gate.remoteChannel(1).subscribe(ch2, "run-9", 1, 3);

    ch.writeInbound(new Frame.Event(0, new WatermarkAdvance(100)));
    ch.writeInbound(new Frame.Data(1, TestSupport.batch(new byte[] {1})));
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.currentWatermarkMs()).as("one channel has none yet").isEqualTo(Long.MIN_VALUE);

    ch2.writeInbound(new Frame.Event(0, new WatermarkAdvance(50)));
    ch2.writeInbound(new Frame.Data(1, TestSupport.batch(new byte[] {2})));
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.currentWatermarkMs()).isEqualTo(50);

    ch2.writeInbound(new Frame.EndOfPartition(2));
    ch.writeInbound(new Frame.EndOfPartition(2));
    assertThat(gate.next()).isEqualTo(GateResult.END_OF_INPUT);
    assertThat(gate.currentWatermarkMs()).isEqualTo(100);
    ch2.finishAndReleaseAll();
  }

  @Test
  void aReportingGateReturnsWatermarkWhenItRisesEvenWithoutRecordsAndIdleProducersDoNotHoldItBack()
      throws Exception {
    ProducerAddress other = new ProducerAddress(5, "10.0.0.2", 7001);
    gate = new InputGate(TestSupport.conf(), "run-9", 1, 3, List.of(PRODUCER, other)).reportWatermarks();
    ch = new EmbeddedChannel(new ConsumerHandler(gate.remoteChannel(0)));
    EmbeddedChannel ch2 = new EmbeddedChannel(new ConsumerHandler(gate.remoteChannel(1)));
    gate.remoteChannel(0).subscribe(ch, "run-9", 1, 3);
    gate.remoteChannel(1).subscribe(ch2, "run-9", 1, 3);

    ch.writeInbound(new Frame.Event(0, new WatermarkAdvance(100)));
    ch2.writeInbound(new Frame.Event(0, new WatermarkAdvance(40)));
    assertThat(gate.next()).isEqualTo(GateResult.WATERMARK);
    assertThat(gate.currentWatermarkMs()).isEqualTo(40);

    // The second producer goes idle: only the first one counts.
    ch2.writeInbound(new Frame.Event(1, new WatermarkAdvance(Long.MAX_VALUE)));
    assertThat(gate.next()).isEqualTo(GateResult.WATERMARK);
    assertThat(gate.currentWatermarkMs()).isEqualTo(100);

    // Both idle: nothing is known about event time, so the watermark stays.
    ch.writeInbound(new Frame.Event(1, new WatermarkAdvance(Long.MAX_VALUE)));
    ch.writeInbound(new Frame.Data(2, TestSupport.batch(new byte[] {1})));
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.currentWatermarkMs()).isEqualTo(100);

    // One resumes behind: the gate's watermark does not go back, and nothing is reported.
    ch2.writeInbound(new Frame.Event(2, new WatermarkAdvance(60)));
    ch2.writeInbound(new Frame.Data(3, TestSupport.batch(new byte[] {2})));
    assertThat(gate.next()).isEqualTo(GateResult.RECORD);
    assertThat(gate.currentWatermarkMs()).isEqualTo(100);
    ch2.finishAndReleaseAll();
  }

  @Test
  void silentPeerIsDeclaredDeadAfterThePeerTimeout() {
    ShuffleTransportConf conf =
        TestSupport.conf("heartbeatIntervalMs", 100, "peerTimeoutMs", 1000);
    gate = new InputGate(conf, "run-9", 1, 3, List.of(PRODUCER));
    ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.pipeline()
        .addLast(new IdleStateHandler(1000, 100, 0, TimeUnit.MILLISECONDS))
        .addLast(new HeartbeatHandler(1000))
        .addLast(new ConsumerHandler(gate.remoteChannel(0)));
    gate.remoteChannel(0).subscribe(ch, "run-9", 1, 3);
    written();

    ch.advanceTimeBy(150, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written()).as("idle writer sends heartbeats").contains(Frame.Heartbeat.INSTANCE);

    ch.advanceTimeBy(1000, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThatThrownBy(gate::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("timed out")
        .hasMessageContaining("spark.rtm.shuffle.peerTimeoutMs")
        .hasMessageContaining("10.0.0.1:7001");
  }
}
