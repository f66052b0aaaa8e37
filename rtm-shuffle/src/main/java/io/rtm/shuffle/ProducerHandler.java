package io.rtm.shuffle;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Server side of one consumer connection: resolves the SUBSCRIBE to a subpartition, feeds credit
 * to its {@link SubpartitionReader}, and turns a lost consumer into a partition failure.
 *
 * <p>Thread ownership: all fields are confined to the connection's event loop; the partition
 * lookup completes on arbitrary threads and hops back onto the event loop before touching them.
 */
final class ProducerHandler extends ChannelInboundHandlerAdapter {

  private final PartitionRegistry registry;
  private final int subscribeWaitMs;
  private final String serverAddress;

  // ---- Event loop only. ----
  private Frame.Subscribe subscription;
  private SubpartitionReader reader;
  /** AddCredit that arrived while the subscription was still waiting for its partition. */
  private int creditBeforeAttach;
  private ScheduledFuture<?> subscribeTimeout;
  private boolean closing;

  ProducerHandler(PartitionRegistry registry, int subscribeWaitMs, String serverAddress) {
    this.registry = registry;
    this.subscribeWaitMs = subscribeWaitMs;
    this.serverAddress = serverAddress;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Frame.AddCredit credit) {
      if (reader != null) {
        reader.addCredit(credit.credit());
      } else if (subscription != null) {
        creditBeforeAttach += credit.credit();
      } else {
        protocolError(ctx, "ADD_CREDIT before SUBSCRIBE");
      }
    } else if (msg instanceof Frame.Subscribe subscribe) {
      onSubscribe(ctx, subscribe);
    } else if (msg instanceof Frame.ErrorMessage error) {
      failPartition(
          ctx, "the consumer reported an error and gave up: " + error.message(), null);
      ctx.close();
    } else {
      ReferenceCountUtil.release(msg instanceof Frame.Data d ? d.payload() : msg);
      protocolError(ctx, "unexpected " + msg.getClass().getSimpleName() + " frame from a consumer");
    }
  }

  private void onSubscribe(ChannelHandlerContext ctx, Frame.Subscribe s) {
    if (subscription != null) {
      protocolError(ctx, "second SUBSCRIBE on one connection");
      return;
    }
    if (s.protocolVersion() != Frame.PROTOCOL_VERSION) {
      sendErrorAndClose(
          ctx,
          "protocol version mismatch: consumer speaks " + s.protocolVersion() + ", producer "
              + serverAddress + " speaks " + Frame.PROTOCOL_VERSION
              + "; make sure every executor runs the same rtm-shuffle version");
      return;
    }
    if (s.initialCredit() < 0) {
      protocolError(ctx, "negative initial credit " + s.initialCredit());
      return;
    }
    subscription = s;
    PartitionId id = s.partitionId();
    CompletableFuture<ResultPartition> lookup = registry.lookup(id);
    if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
      attach(ctx, lookup.join());
      return;
    }
    subscribeTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!lookup.isDone()) {
                    registry.abandon(id, lookup);
                    sendErrorAndClose(
                        ctx,
                        "partition " + id + " was not registered on shuffle server "
                            + serverAddress + " within " + subscribeWaitMs + " ms ("
                            + io.rtm.config.RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.key()
                            + "); check that map task " + id.mapIndex()
                            + " runs on this executor and has not failed, and that the"
                            + " consumer uses the current query run id and stage id");
                  }
                },
                subscribeWaitMs,
                TimeUnit.MILLISECONDS);
    lookup.whenComplete(
        (partition, error) ->
            ctx.executor()
                .execute(
                    () -> {
                      subscribeTimeout.cancel(false);
                      if (closing || !ctx.channel().isActive()) {
                        return;
                      }
                      if (error != null) {
                        sendErrorAndClose(ctx, error.getMessage());
                      } else {
                        attach(ctx, partition);
                      }
                    }));
  }

  private void attach(ChannelHandlerContext ctx, ResultPartition partition) {
    try {
      reader =
          partition.subscribe(
              subscription.subpartition(),
              subpartition ->
                  new SubpartitionReader(
                      ctx.channel(),
                      subpartition,
                      subscription.initialCredit() + creditBeforeAttach,
                      describeConsumer(ctx.channel().remoteAddress())),
              " on " + serverAddress);
    } catch (ShuffleException e) {
      sendErrorAndClose(ctx, e.getMessage());
      return;
    }
    creditBeforeAttach = 0;
    reader.drain();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (reader != null && ctx.channel().isWritable()) {
      reader.drain();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    if (subscribeTimeout != null) {
      subscribeTimeout.cancel(false);
    }
    failPartition(ctx, "the connection was closed", null);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failPartition(ctx, String.valueOf(cause.getMessage()), cause);
    sendErrorAndClose(ctx, "producer " + serverAddress + " dropped the connection: " + cause);
  }

  /** A consumer that goes away before END_OF_PARTITION leaves its reducer's input incomplete. */
  private void failPartition(ChannelHandlerContext ctx, String reason, Throwable cause) {
    if (reader == null || reader.isFinished()) {
      return;
    }
    ResultSubpartition sub = reader.subpartition();
    reader.markFinished();
    sub.parent()
        .fail(
            new ShuffleException(
                "Shuffle consumer " + reader.consumerDescription() + " of subpartition "
                    + sub.index() + " of " + sub.parent().id() + " (served by " + serverAddress
                    + ") is gone before end of partition: " + reason
                    + ". Check the reduce task for subpartition " + sub.index()
                    + " on that host (executor logs, task failure or cancellation) and the"
                    + " network between the executors.",
                cause));
  }

  private void protocolError(ChannelHandlerContext ctx, String what) {
    failPartition(ctx, "protocol error: " + what, null);
    sendErrorAndClose(
        ctx,
        "protocol error at producer " + serverAddress + ": " + what
            + "; this indicates mismatched rtm-shuffle versions or a bug");
  }

  private void sendErrorAndClose(ChannelHandlerContext ctx, String message) {
    if (closing) {
      return;
    }
    closing = true;
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new Frame.ErrorMessage(message)).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private static String describeConsumer(SocketAddress remote) {
    return remote == null ? "<unknown address>" : remote.toString();
  }
}
