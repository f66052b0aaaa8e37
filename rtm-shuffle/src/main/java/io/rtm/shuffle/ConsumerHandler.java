package io.rtm.shuffle;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** Client side of one producer connection: dispatches frames to its {@link RemoteInputChannel}. */
final class ConsumerHandler extends ChannelInboundHandlerAdapter {

  private final RemoteInputChannel inputChannel;

  ConsumerHandler(RemoteInputChannel inputChannel) {
    this.inputChannel = inputChannel;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Frame.Data data) {
        inputChannel.onData(data.seq(), data.payload());
      } else if (msg instanceof Frame.Event event) {
        inputChannel.onEvent(event.seq(), event.event());
      } else if (msg instanceof Frame.EndOfPartition eop) {
        inputChannel.onEndOfPartition(eop.seq());
      } else if (msg instanceof Frame.ErrorMessage error) {
        inputChannel.onProducerError(error.message());
        ctx.close();
      } else {
        ReferenceCountUtil.release(msg);
        throw inputChannel.protocolError(
            "unexpected " + msg.getClass().getSimpleName() + " frame from a producer");
      }
    } catch (ShuffleException e) {
      inputChannel.onException(e);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inputChannel.onConnectionLost();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    inputChannel.onException(cause);
    ctx.close();
  }
}
