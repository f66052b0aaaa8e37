package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The producer half of the protocol on an EmbeddedChannel: the test thread is both the task
 * thread and the event loop, so every step is deterministic.
 */
@ExtendWith(NettyLeakCheck.class)
class ProducerHandlerTest {

  private static final PartitionId ID = new PartitionId("run-1", 2, 0);

  /** 60-byte records fill a 64-byte buffer exactly, so each record is one buffer. */
  private static final byte[] RECORD = new byte[60];

  private final ShuffleTransportConf conf =
      TestSupport.conf(
          "bufferSizeBytes", 64,
          "producerQueueBuffers", 8,
          "maxFlushDelayMicros", 1_000_000,
          "subscribeWaitMs", 50);
  private final TestSupport.ManualFlusher flusher = new TestSupport.ManualFlusher();
  private final PartitionRegistry registry = new PartitionRegistry();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private ResultPartition partition;

  private ResultPartition register(int subpartitions) {
    ResultPartition[] holder = new ResultPartition[1];
    holder[0] =
        new ResultPartition(
            ID, subpartitions, conf, flusher, ByteBufAllocator.DEFAULT,
            () -> registry.unregister(holder[0]));
    registry.register(holder[0]);
    partition = holder[0];
    return holder[0];
  }

  private EmbeddedChannel connect() {
    EmbeddedChannel ch = new EmbeddedChannel(new ProducerHandler(registry, 50, "producer-host:1"));
    channels.add(ch);
    return ch;
  }

  private static Frame.Subscribe subscribe(int subpartition, int credit) {
    return new Frame.Subscribe(Frame.PROTOCOL_VERSION, "run-1", 2, 0, subpartition, credit);
  }

  /** Reads what the handler wrote, releasing payloads; returns a compact description. */
  private static List<String> written(EmbeddedChannel ch) {
    ch.runPendingTasks();
    List<String> out = new ArrayList<>();
    Object msg;
    while ((msg = ch.readOutbound()) != null) {
      if (msg instanceof Frame.Data d) {
        out.add("DATA#" + d.seq());
        d.payload().release();
      } else if (msg instanceof Frame.Event e) {
        out.add("EVENT#" + e.seq() + ":" + e.event());
      } else if (msg instanceof Frame.EndOfPartition eop) {
        out.add("EOP#" + eop.seq());
      } else if (msg instanceof Frame.ErrorMessage err) {
        out.add("ERROR:" + err.message());
      } else {
        out.add(String.valueOf(msg));
      }
    }
    return out;
  }

  @AfterEach
  void tearDown() {
    if (partition != null) {
      partition.fail(new ShuffleException("test over"));
    }
    for (EmbeddedChannel ch : channels) {
      written(ch);
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void sendsOneDataBufferPerCredit() throws Exception {
    ResultPartition p = register(1);
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 2));
    for (int i = 0; i < 5; i++) {
      p.emitRecord(0, RECORD, 0, RECORD.length);
    }

    assertThat(written(ch)).containsExactly("DATA#0", "DATA#1");
    assertThat(p.metrics().queuedBuffers()).isEqualTo(3);

    ch.writeInbound(new Frame.AddCredit(2));
    assertThat(written(ch)).containsExactly("DATA#2", "DATA#3");

    ch.writeInbound(new Frame.AddCredit(5));
    assertThat(written(ch)).containsExactly("DATA#4");
    ShuffleMetrics m = p.metrics();
    assertThat(m.buffers()).isEqualTo(5);
    assertThat(m.records()).isEqualTo(5);
    assertThat(m.queuedBuffers()).isZero();
  }

  @Test
  void eventsNeedNoCreditButNeverOvertakeQueuedData() throws Exception {
    ResultPartition p = register(1);
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 0));

    p.broadcastEvent(new WatermarkAdvance(10));
    assertThat(written(ch)).containsExactly("EVENT#0:WatermarkAdvance[timestampMs=10]");

    p.emitRecord(0, new byte[] {1}, 0, 1);
    p.broadcastEvent(new EpochBarrier(0));
    assertThat(written(ch)).as("barrier waits behind the data that needs credit").isEmpty();

    ch.writeInbound(new Frame.AddCredit(1));
    assertThat(written(ch)).containsExactly("DATA#1", "EVENT#2:EpochBarrier[epochId=0]");
  }

  @Test
  void closeSendsEndOfPartitionAfterDataAndUnregisters() throws Exception {
    ResultPartition p = register(1);
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 8));
    p.emitRecord(0, new byte[] {1, 2, 3}, 0, 3);
    p.close();

    assertThat(written(ch)).containsExactly("DATA#0", "EOP#1");
    assertThat(registry.size()).isZero();
    // The consumer hangs up after END_OF_PARTITION; that is not a failure.
    ch.close();
    assertThat(p.failure()).isNull();
    partition = null;
  }

  @Test
  void pendingBatchIsFlushedByTheFlusherOnlyOnceDue() throws Exception {
    ResultPartition p = register(1);
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 8));
    p.emitRecord(0, new byte[] {7}, 0, 1);
    assertThat(flusher.pending()).isEqualTo(1);

    // Run the due check at a time before the delay elapsed: the batch stays and a re-check is
    // scheduled.
    assertThat(p.subpartition(0).flushIfDue(System.nanoTime(), TimeUnit.SECONDS.toNanos(1)))
        .isPositive();
    assertThat(written(ch)).isEmpty();

    assertThat(p.subpartition(0).flushIfDue(System.nanoTime(), 0)).isEqualTo(-1);
    assertThat(written(ch)).containsExactly("DATA#0");
  }

  @Test
  void oversizedRecordTravelsAloneInItsOwnBuffer() throws Exception {
    ResultPartition p = register(1);
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 8));
    p.emitRecord(0, new byte[] {1}, 0, 1);
    p.emitRecord(0, new byte[1000], 0, 1000);

    ch.runPendingTasks();
    Frame.Data first = ch.readOutbound();
    Frame.Data big = ch.readOutbound();
    assertThat(first.payload().readableBytes()).isEqualTo(5);
    assertThat(big.payload().readableBytes()).isEqualTo(1004);
    first.payload().release();
    big.payload().release();
  }

  @Test
  void subscriptionWaitsForALateRegistration() throws Exception {
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 8));
    assertThat(written(ch)).isEmpty();

    ResultPartition p = register(1);
    p.emitRecord(0, RECORD, 0, RECORD.length);
    assertThat(written(ch)).containsExactly("DATA#0");
  }

  @Test
  void subscriptionToAnUnknownPartitionIsAnsweredWithAnErrorAfterTheWait() {
    EmbeddedChannel ch = connect();
    ch.writeInbound(subscribe(0, 8));
    ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();

    assertThat(written(ch))
        .singleElement()
        .asString()
        .startsWith("ERROR:")
        .contains("PartitionId[queryRunId=run-1, stageId=2, mapIndex=0]")
        .contains("was not registered")
        .contains("spark.rtm.shuffle.subscribeWaitMs");
    assertThat(ch.isOpen()).isFalse();
    assertThat(registry.size()).as("abandoned lookups are forgotten").isZero();
  }

  @Test
  void secondSubscriberOfASubpartitionIsRejected() throws Exception {
    register(1);
    EmbeddedChannel first = connect();
    first.writeInbound(subscribe(0, 8));
    EmbeddedChannel second = connect();
    second.writeInbound(subscribe(0, 8));

    assertThat(written(second)).singleElement().asString().contains("already consumed");
    assertThat(second.isOpen()).isFalse();
  }

  @Test
  void lostConsumerFailsThePartitionAndTheNextEmitThrows() throws Exception {
    ResultPartition p = register(2);
    EmbeddedChannel ch0 = connect();
    ch0.writeInbound(subscribe(0, 8));
    EmbeddedChannel ch1 = connect();
    ch1.writeInbound(subscribe(1, 8));

    ch1.close();

    assertThatThrownBy(() -> p.emitRecord(0, RECORD, 0, RECORD.length))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("subpartition 1")
        .hasMessageContaining("is gone before end of partition")
        .hasMessageContaining("producer-host:1");
    // The other consumer is told why its input ends.
    assertThat(written(ch0)).singleElement().asString().contains("gone before end of partition");
  }

  @Test
  void barrierIdsMustIncrease() throws Exception {
    ResultPartition p = register(1);
    p.broadcastEvent(new EpochBarrier(5));
    assertThatThrownBy(() -> p.broadcastEvent(new EpochBarrier(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly increase");
  }

  @Test
  void unsubscribedSubpartitionIsDroppedAfterTheLingerOnClose() throws Exception {
    ResultPartition p = register(1);
    p.emitRecord(0, RECORD, 0, RECORD.length);
    p.close();
    assertThat(registry.size()).isEqualTo(1);

    flusher.runScheduled();
    assertThat(registry.size()).isZero();
    partition = null;
  }
}
