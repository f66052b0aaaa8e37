package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * Moves one subscribed subpartition's queue onto its consumer's connection, one data buffer per
 * credit (the producer half of Flink's credit-based flow control, cf. its
 * CreditBasedSequenceNumberingViewReader).
 *
 * <p>Thread ownership: everything runs on the connection's event loop except
 * {@link #notifyDataAvailable()} and {@link #failAndClose}, which only submit tasks to it. Hence
 * no field needs synchronisation.
 */
final class SubpartitionReader implements SubpartitionConsumer {

  private final Channel channel;
  private final ResultSubpartition subpartition;
  private final String consumerDescription;

  // ---- Event loop only. ----
  /** Buffers the consumer can still accept: initial credit plus AddCredit minus DATA sent. */
  private int credit;
  /** Sequence number of the next DATA/EVENT/END_OF_PARTITION frame. */
  private long nextSeq;
  /** END_OF_PARTITION was written; a disconnect after this is a normal end. */
  private boolean finished;

  SubpartitionReader(
      Channel channel, ResultSubpartition subpartition, int initialCredit, String consumer) {
    this.channel = channel;
    this.subpartition = subpartition;
    this.credit = initialCredit;
    this.consumerDescription = consumer;
  }

  @Override
  public void notifyDataAvailable() {
    channel.eventLoop().execute(this::drain);
  }

  void addCredit(int delta) {
    credit += delta;
    drain();
  }

  boolean isFinished() {
    return finished;
  }

  /** The connection is going away; nothing more may be written for this subscription. */
  void markFinished() {
    finished = true;
  }

  ResultSubpartition subpartition() {
    return subpartition;
  }

  int credit() {
    return credit;
  }

  /** Writes everything that may be sent now and flushes once, so a burst costs one syscall. */
  void drain() {
    if (finished || !channel.isActive()) {
      return;
    }
    boolean wrote = false;
    while (channel.isWritable()) {
      Object next = subpartition.pollSendable(credit > 0);
      if (next == null) {
        break;
      }
      wrote = true;
      if (next instanceof ByteBuf buffer) {
        credit--;
        channel.write(new Frame.Data(nextSeq++, buffer), channel.voidPromise());
      } else if (next instanceof ShuffleEvent event) {
        channel.write(new Frame.Event(nextSeq++, event), channel.voidPromise());
      } else {
        channel.write(new Frame.EndOfPartition(nextSeq++), channel.voidPromise());
        finished = true;
        // The consumer closes the connection once it has END_OF_PARTITION; nothing follows.
        subpartition.release(null);
        break;
      }
    }
    if (wrote) {
      channel.flush();
    }
  }

  /** Tells the consumer why its input ends here, then hangs up. */
  @Override
  public void failAndClose(ShuffleException cause) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (!finished && channel.isActive()) {
                finished = true;
                channel
                    .writeAndFlush(new Frame.ErrorMessage(cause.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
              }
            });
  }

  String consumerDescription() {
    return consumerDescription;
  }
}
