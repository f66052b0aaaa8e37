package io.rtm.shuffle;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;

/**
 * Turns the idle events of the {@link io.netty.handler.timeout.IdleStateHandler} at the head of the
 * pipeline into heartbeats (we wrote nothing for heartbeatIntervalMs) and into a
 * {@link PeerTimeoutException} (we heard nothing for peerTimeoutMs). TCP alone would notice a
 * crashed host only after minutes of retransmissions; a hung JVM it would never notice.
 */
final class HeartbeatHandler extends ChannelDuplexHandler {

  private final int peerTimeoutMs;

  HeartbeatHandler(int peerTimeoutMs) {
    this.peerTimeoutMs = peerTimeoutMs;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    // A heartbeat's only job was to reset the reader-idle timer, which happened upstream.
    if (msg != Frame.Heartbeat.INSTANCE) {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(Frame.Heartbeat.INSTANCE)
            .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      } else if (idle.state() == IdleState.READER_IDLE) {
        ctx.fireExceptionCaught(new PeerTimeoutException(peerTimeoutMs));
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** The peer sent nothing, not even a heartbeat, for peerTimeoutMs. */
  static final class PeerTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    PeerTimeoutException(int peerTimeoutMs) {
      super(
          "no frame (not even a heartbeat) received for " + peerTimeoutMs + " ms ("
              + io.rtm.config.RtmOptions.SHUFFLE_PEER_TIMEOUT_MS.key() + "); the peer JVM is"
              + " hung, in a long GC pause, or the network between the executors is partitioned");
    }
  }
}
