package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's end of one producer connection (cf. Flink's RemoteInputChannel): checks sequence
 * numbers and credit on arrival, queues what arrived for the task thread, and returns credit as
 * the task thread finishes buffers.
 *
 * <p>Fields are grouped by the thread that owns them; see the section comments.
 */
final class RemoteInputChannel extends InputChannel {

  private final int initialCredit;

  /**
   * Written once by the task thread after connecting, before the SUBSCRIBE is sent; read by the
   * task thread to reach the event loop when returning credit.
   */
  private volatile Channel channel;

  // ---- Netty event loop only. ----
  /** Sequence number the next DATA/EVENT/END_OF_PARTITION must carry. */
  private long expectedSeq;
  /**
   * Credit granted to the producer and not yet used by a DATA frame. Starts at the initial credit
   * (written before the connection exists, published to the event loop by channel registration).
   */
  private int outstandingCredit;
  /** After END_OF_PARTITION a disconnect is the normal end, not a failure. */
  private boolean endOfPartitionReceived;

  // ---- Task thread increments, event loop takes. ----
  /**
   * Credit returned by the task thread but not yet announced. Only its zero to non-zero transition
   * schedules an ADD_CREDIT; returns until the event loop runs accumulate into that one message.
   */
  private final AtomicInteger unannouncedCredit = new AtomicInteger();

  RemoteInputChannel(int index, ProducerAddress producer, InputGate gate, int initialCredit) {
    super(index, producer, gate);
    this.initialCredit = initialCredit;
    this.outstandingCredit = initialCredit;
  }

  // ---------------------------------------------------------------------------------------------
  // Task thread
  // ---------------------------------------------------------------------------------------------

  /** Sends SUBSCRIBE with the initial credit over a freshly connected channel. */
  void subscribe(Channel connected, String queryRunId, int stageId, int subpartition) {
    channel = connected;
    connected
        .writeAndFlush(
            new Frame.Subscribe(
                Frame.PROTOCOL_VERSION,
                queryRunId,
                stageId,
                producer.mapIndex(),
                subpartition,
                initialCredit))
        .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
  }

  @Override
  void returnCredit() {
    if (unannouncedCredit.getAndIncrement() == 0) {
      Channel ch = channel;
      if (ch != null) {
        ch.eventLoop().execute(this::announceCredit);
      }
    }
  }

  @Override
  void close(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (reason != null && ch.isActive()) {
      ch.writeAndFlush(new Frame.ErrorMessage(reason)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ch.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event loop
  // ---------------------------------------------------------------------------------------------

  void onData(long seq, ByteBuf payload) {
    try {
      checkSequence(seq);
      if (outstandingCredit <= 0) {
        throw protocolError("received a data buffer without credit");
      }
      outstandingCredit--;
    } catch (ShuffleException e) {
      payload.release();
      throw e;
    }
    gate.enqueue(this, payload);
  }

  void onEvent(long seq, ShuffleEvent event) {
    checkSequence(seq);
    gate.enqueue(this, event);
  }

  void onEndOfPartition(long seq) {
    checkSequence(seq);
    endOfPartitionReceived = true;
    gate.enqueue(this, END_OF_PARTITION);
    // Nothing follows END_OF_PARTITION; closing frees the producer's connection promptly.
    channel.close();
  }

  void onProducerError(String message) {
    endOfPartitionReceived = true;
    gate.fail(
        new ShuffleException(
            "Shuffle " + describe() + " failed and reported: " + message));
  }

  void onConnectionLost() {
    if (!endOfPartitionReceived) {
      gate.fail(
          new ShuffleException(
              "Lost connection to shuffle " + describe() + ": the connection closed before end"
                  + " of partition. " + checkAdvice()));
    }
  }

  void onException(Throwable cause) {
    if (cause instanceof ShuffleException e) {
      gate.fail(e);
    } else if (cause instanceof HeartbeatHandler.PeerTimeoutException) {
      gate.fail(
          new ShuffleException(
              "Shuffle " + describe() + " timed out: " + cause.getMessage() + ". "
                  + checkAdvice(),
              cause));
    } else {
      gate.fail(
          new ShuffleException(
              "Connection to shuffle " + describe() + " failed: " + cause + ". " + checkAdvice(),
              cause));
    }
  }

  private void checkSequence(long seq) {
    if (seq != expectedSeq) {
      throw protocolError("sequence gap: expected frame " + expectedSeq + " but got " + seq);
    }
    expectedSeq++;
  }

  private void announceCredit() {
    int credit = unannouncedCredit.getAndSet(0);
    Channel ch = channel;
    if (credit > 0 && ch.isActive() && !endOfPartitionReceived) {
      outstandingCredit += credit;
      ch.writeAndFlush(new Frame.AddCredit(credit), ch.voidPromise());
    }
  }

  /** For tests: credit the producer may still use, as seen by this consumer. */
  int outstandingCredit() {
    return outstandingCredit;
  }

  private String checkAdvice() {
    return "Check whether the executor at " + producer.host() + ":" + producer.port()
        + " hosting map task " + producer.mapIndex() + " is alive (executor logs, OOM kills, long"
        + " GC pauses), whether that task failed, and whether the network between the executors"
        + " is healthy.";
  }
}
