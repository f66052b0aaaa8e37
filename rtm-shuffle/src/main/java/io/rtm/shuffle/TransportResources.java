package io.rtm.shuffle;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The per-JVM resources shared by every server, partition and gate: one event-loop group and one
 * flusher thread. Shared because an executor runs many tasks, and threads per task would multiply
 * context switches on the few cores an executor has. All threads are daemons so a forgotten close
 * never keeps an executor JVM alive; they live as long as the JVM.
 */
final class TransportResources {

  private static EventLoopGroup eventLoopGroup;
  private static FlushScheduler flusher;

  private TransportResources() {}

  /** The shared group; the first caller's {@code ioThreads} decides its size. */
  static synchronized EventLoopGroup eventLoopGroup(ShuffleTransportConf conf) {
    if (eventLoopGroup == null) {
      eventLoopGroup =
          new MultiThreadIoEventLoopGroup(
              conf.ioThreads(),
              new DefaultThreadFactory("rtm-shuffle-io", true),
              NioIoHandler.newFactory());
    }
    return eventLoopGroup;
  }

  /**
   * The shared flusher. A plain scheduled executor rather than the event loop: Netty's NIO loop
   * times tasks with millisecond granularity, while flush delays are configured in microseconds.
   */
  static synchronized FlushScheduler flusher() {
    if (flusher == null) {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "rtm-shuffle-flusher");
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      flusher =
          (task, delayNanos) -> executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
    return flusher;
  }

  /**
   * Installs the pipeline both ends share: idle detection on raw reads and writes, framing,
   * heartbeats, then the role-specific handler.
   */
  static void configurePipeline(Channel ch, ShuffleTransportConf conf, ChannelHandler roleHandler) {
    ChannelPipeline p = ch.pipeline();
    p.addLast(
        "idle",
        new IdleStateHandler(
            conf.peerTimeoutMs(), conf.heartbeatIntervalMs(), 0, TimeUnit.MILLISECONDS));
    p.addLast("decoder", new FrameDecoder());
    p.addLast("encoder", FrameEncoder.INSTANCE);
    p.addLast("heartbeat", new HeartbeatHandler(conf.peerTimeoutMs()));
    p.addLast("handler", roleHandler);
  }

  /**
   * Outbound buffering limits: the producer stops draining its queue into a connection above
   * {@code high}, so Netty's outbound buffer never holds more than a few buffers even for events,
   * which bypass credit.
   */
  static WriteBufferWaterMark waterMark(ShuffleTransportConf conf) {
    int low = (int) Math.min(Integer.MAX_VALUE / 8, Math.max(32 * 1024, 2L * conf.bufferSizeBytes()));
    return new WriteBufferWaterMark(low, 2 * low);
  }
}
