package io.rtm.shuffle;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The consumer side of one reduce task: one {@link InputChannel} per producer, read in round robin
 * buffer by buffer, with epoch barrier alignment across them. A producer in this JVM is read
 * through a {@link LocalInputChannel} (unless {@code spark.rtm.shuffle.localChannels.enabled} is
 * off), any other over TCP through a {@link RemoteInputChannel}.
 *
 * <p>After a channel delivers the barrier of epoch n, the gate stops reading it; its later data
 * stays queued, so its credit runs out and its producer is backpressured. Once every channel
 * delivered barrier n, {@link #next()} returns {@link GateResult#EPOCH_END} and all channels are
 * read again. Records of epoch n therefore all come before the EPOCH_END of n.
 *
 * <p>Threading: {@link #next()}, the record accessors, {@link #lastAlignedEpoch()},
 * {@link #currentWatermarkMs()} and {@link #close()} belong to one thread (the task thread);
 * {@link #metrics()} may be called from any thread. Network failures are recorded by the event
 * loop and thrown as {@link ShuffleException} from the next call to {@code next()}.
 */
public final class InputGate implements AutoCloseable {

  private final ShuffleTransportConf conf;
  private final String queryRunId;
  private final int stageId;
  private final int subpartition;
  private final InputChannel[] channels;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when a channel gets input (event loop or local hand-over), and on failure or close. */
  private final Condition inputAvailable = lock.newCondition();

  // ---- Guarded by lock: transports add input and failures, the task thread takes. ----
  /** Channels that are not blocked and have something queued, in round-robin order. */
  private final ArrayDeque<InputChannel> channelsWithInput = new ArrayDeque<>();
  private ShuffleException failure;
  private boolean closed;
  private long buffersConsumed;
  private long recordsReturned;
  private long recordBytesReturned;
  private long eventsReceived;
  private long blockedNanos;

  // ---- Task thread only (the aligner runs under lock because it (un)blocks channels). ----
  private final BarrierAligner aligner;
  private int finishedChannels;
  private boolean epochJustAligned;
  private long watermarkMs = Long.MIN_VALUE;
  // Task thread (under lock when written from processControlElement): whether the last control
  // element raised the gate's watermark.
  private boolean watermarkJustAdvanced;
  private volatile boolean reportWatermarks;
  /** The data buffer records are being returned from, with its channel and read position. */
  private ByteBuf current;
  private InputChannel currentChannel;
  private byte[] currentArray;
  private int position;
  private int limit;
  /** Counters folded into the locked metrics on the next lock acquisition, off the hot path. */
  private long pendingRecords;
  private long pendingRecordBytes;
  private long pendingBuffers;
  private int recordOffset;
  private int recordLength;

  InputGate(
      ShuffleTransportConf conf,
      String queryRunId,
      int stageId,
      int subpartition,
      List<ProducerAddress> producers) {
    this.conf = Objects.requireNonNull(conf, "conf");
    this.queryRunId = Objects.requireNonNull(queryRunId, "queryRunId");
    this.stageId = stageId;
    this.subpartition = subpartition;
    if (producers.isEmpty()) {
      throw new IllegalArgumentException("An input gate needs at least one producer");
    }
    Set<Integer> seen = new HashSet<>();
    this.channels = new InputChannel[producers.size()];
    for (int i = 0; i < channels.length; i++) {
      ProducerAddress p = producers.get(i);
      if (!seen.add(p.mapIndex())) {
        throw new IllegalArgumentException("Producer mapIndex " + p.mapIndex() + " listed twice");
      }
      PartitionRegistry local =
          conf.localChannelsEnabled() ? ShuffleServer.registryInThisJvm(p.host(), p.port()) : null;
      channels[i] =
          local == null
              ? new RemoteInputChannel(i, p, this, conf.creditsPerChannel())
              : new LocalInputChannel(
                  i, p, this, conf.creditsPerChannel(), local, conf.subscribeWaitMs());
    }
    this.aligner = new BarrierAligner(new Alignment());
  }

  /**
   * Connects to every producer and subscribes to {@code subpartition} of its partition
   * {@code (queryRunId, stageId, mapIndex)}. A producer that refuses the connection is retried
   * until {@code connectTimeoutMs}; a subscription to a partition that is not registered yet is
   * held by the producer for {@code subscribeWaitMs}.
   *
   * @throws ShuffleException naming the producer if it cannot be reached in time
   * @throws InterruptedException if the task is cancelled while connecting
   */
  public static InputGate connect(
      ShuffleTransportConf conf,
      String queryRunId,
      int stageId,
      int subpartition,
      List<ProducerAddress> producers)
      throws InterruptedException {
    InputGate gate = new InputGate(conf, queryRunId, stageId, subpartition, producers);
    boolean connected = false;
    try {
      for (InputChannel ch : gate.channels) {
        if (ch instanceof LocalInputChannel local) {
          local.subscribe(queryRunId, stageId, subpartition);
        }
      }
      new Connector(conf, gate).connectAll();
      connected = true;
      return gate;
    } finally {
      if (!connected) {
        gate.close();
      }
    }
  }

  /**
   * Blocks until the next record ({@link GateResult#RECORD}), until every channel delivered the
   * next epoch barrier ({@link GateResult#EPOCH_END}), or until every producer ended
   * ({@link GateResult#END_OF_INPUT}).
   *
   * @throws ShuffleException if a producer was lost, timed out, or broke the protocol
   * @throws InterruptedException if the thread is interrupted while waiting for input
   */
  public GateResult next() throws InterruptedException {
    while (true) {
      if (current != null) {
        if (position < limit) {
          return readRecord();
        }
        finishCurrentBuffer();
      }
      GateResult result = takeNextElement();
      if (result != null) {
        return result;
      }
    }
  }

  /**
   * The array holding the current record: the received buffer itself, not a copy, so it must be
   * treated as read-only and not retained past the next call to {@link #next()}.
   */
  public byte[] recordArray() {
    return currentArray;
  }

  public int recordOffset() {
    return recordOffset;
  }

  public int recordLength() {
    return recordLength;
  }

  /** The last epoch aligned across all channels, or -1 before the first. */
  public long lastAlignedEpoch() {
    return aligner.lastAlignedEpoch();
  }

  /**
   * The minimum over unfinished channels of the latest {@link WatermarkAdvance} each delivered
   * (the gate's watermark never goes back; a channel at Long.MAX_VALUE is an idle producer), or {@link Long#MIN_VALUE} until every channel delivered one. Like the
   * records, watermarks of a channel blocked for alignment are seen only after alignment.
   */
  public long currentWatermarkMs() {
    return watermarkMs;
  }

  /** From now on {@link #next()} also returns {@link GateResult#WATERMARK} when the watermark rises. */
  public InputGate reportWatermarks() {
    this.reportWatermarks = true;
    return this;
  }

  public ShuffleMetrics metrics() {
    lock.lock();
    try {
      int queued = 0;
      int peak = 0;
      for (InputChannel ch : channels) {
        queued += ch.queuedData;
        peak = Math.max(peak, ch.peakQueuedData);
      }
      return new ShuffleMetrics(
          recordsReturned, recordBytesReturned, buffersConsumed, eventsReceived, blockedNanos,
          queued, peak);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Disconnects from all producers and releases every buffer. Call from the task thread (or after
   * it stopped reading). Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      releaseQueuedLocked();
      inputAvailable.signalAll();
    } finally {
      lock.unlock();
    }
    if (current != null) {
      current.release();
      current = null;
      currentArray = null;
    }
    for (InputChannel ch : channels) {
      ch.close(null);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Task thread internals
  // ---------------------------------------------------------------------------------------------

  private GateResult readRecord() {
    byte[] a = currentArray;
    int p = position;
    int length =
        (a[p] & 0xff) << 24 | (a[p + 1] & 0xff) << 16 | (a[p + 2] & 0xff) << 8 | (a[p + 3] & 0xff);
    p += 4;
    if (length < 0 || length > limit - p) {
      throw failAndThrow(
          currentChannel.protocolError(
              "corrupt record framing: length " + length + " with " + (limit - p)
                  + " bytes left in the buffer"));
    }
    recordOffset = p;
    recordLength = length;
    position = p + length;
    pendingRecords++;
    pendingRecordBytes += length;
    return GateResult.RECORD;
  }

  private void finishCurrentBuffer() {
    InputChannel ch = currentChannel;
    current.release();
    current = null;
    currentArray = null;
    currentChannel = null;
    pendingBuffers++;
    ch.returnCredit();
  }

  /**
   * Takes the next element of the next channel with input. Data becomes the current buffer
   * (returns null); control elements are processed here, returning a result when they end an
   * epoch or the input, else null.
   */
  private GateResult takeNextElement() throws InterruptedException {
    // Spark cancels tasks by interrupting them; honour that at every buffer boundary, not only
    // when input runs dry, so a busy reducer is cancelled promptly too.
    if (Thread.interrupted()) {
      throw new InterruptedException("InputGate for " + describeSubscription() + " interrupted");
    }
    InputChannel ch;
    Object element;
    String hangUpReason = null;
    lock.lock();
    try {
      buffersConsumed += pendingBuffers;
      recordsReturned += pendingRecords;
      recordBytesReturned += pendingRecordBytes;
      pendingBuffers = 0;
      pendingRecords = 0;
      pendingRecordBytes = 0;
      while (true) {
        throwIfFailedOrClosed();
        ch = channelsWithInput.poll();
        if (ch != null) {
          break;
        }
        if (finishedChannels == channels.length) {
          return GateResult.END_OF_INPUT;
        }
        long start = System.nanoTime();
        try {
          inputAvailable.await();
        } finally {
          blockedNanos += System.nanoTime() - start;
        }
      }
      ch.enqueuedAsAvailable = false;
      element = ch.received.poll();
      if (element instanceof ByteBuf) {
        ch.queuedData--;
      } else {
        try {
          processControlElement(ch, element);
        } catch (ShuffleException e) {
          hangUpReason = failLocked(e);
          throw new ShuffleException(e.getMessage(), e);
        }
      }
      if (!ch.blocked && !ch.received.isEmpty()) {
        ch.enqueuedAsAvailable = true;
        channelsWithInput.add(ch);
      }
    } finally {
      lock.unlock();
      hangUp(hangUpReason);
    }
    if (element instanceof ByteBuf buffer) {
      current = buffer;
      currentChannel = ch;
      currentArray = buffer.array();
      position = buffer.arrayOffset() + buffer.readerIndex();
      limit = position + buffer.readableBytes();
      if (position == limit) {
        // An empty buffer carries no records but still used a credit.
        finishCurrentBuffer();
      }
      return null;
    }
    if (epochJustAligned) {
      epochJustAligned = false;
      return GateResult.EPOCH_END;
    }
    if (watermarkJustAdvanced) {
      watermarkJustAdvanced = false;
      return GateResult.WATERMARK;
    }
    return null;
  }

  /** Under lock: barriers go through the aligner, which may block or unblock channels. */
  private void processControlElement(InputChannel ch, Object element) {
    if (element instanceof EpochBarrier barrier) {
      eventsReceived++;
      aligner.barrierReceived(ch.index, barrier.epochId());
    } else if (element instanceof WatermarkAdvance wm) {
      eventsReceived++;
      // The latest, not the largest: a producer that declared itself idle (Long.MAX_VALUE) and
      // resumes sends a real watermark again; the gate's own watermark still never goes back.
      ch.watermarkMs = wm.timestampMs();
      long before = watermarkMs;
      recomputeWatermark();
      watermarkJustAdvanced = reportWatermarks && watermarkMs > before;
    } else {
      ch.finished = true;
      finishedChannels++;
      aligner.channelFinished(ch.index);
      recomputeWatermark();
    }
  }

  /**
   * Minimum over live channels, leaving out idle ones (Long.MAX_VALUE). When every live channel is
   * idle nothing moves: all-idle inputs say nothing about event time, so no window may close.
   */
  private void recomputeWatermark() {
    long min = Long.MAX_VALUE;
    boolean anyActive = false;
    for (InputChannel c : channels) {
      if (!c.finished && c.watermarkMs != Long.MAX_VALUE) {
        anyActive = true;
        min = Math.min(min, c.watermarkMs);
      }
    }
    if (anyActive) {
      watermarkMs = Math.max(watermarkMs, min);
    }
  }

  private void throwIfFailedOrClosed() {
    if (failure != null) {
      throw new ShuffleException(failure.getMessage(), failure);
    }
    if (closed) {
      throw new IllegalStateException("InputGate for " + describeSubscription() + " is closed");
    }
  }

  private ShuffleException failAndThrow(ShuffleException e) {
    fail(e);
    return new ShuffleException(e.getMessage(), e);
  }

  // ---------------------------------------------------------------------------------------------
  // Transport entry points (event loops, local hand-overs)
  // ---------------------------------------------------------------------------------------------

  void enqueue(InputChannel ch, Object element) {
    lock.lock();
    try {
      if (closed || failure != null) {
        ReferenceCountUtil.release(element);
        return;
      }
      ch.received.add(element);
      if (element instanceof ByteBuf) {
        ch.queuedData++;
        ch.peakQueuedData = Math.max(ch.peakQueuedData, ch.queuedData);
      }
      if (!ch.blocked && !ch.enqueuedAsAvailable) {
        ch.enqueuedAsAvailable = true;
        channelsWithInput.add(ch);
        inputAvailable.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records the first failure for the task thread and hangs up on every producer, telling them
   * why: without replay, the reducer's input is incomplete and the query has to restart.
   */
  void fail(ShuffleException cause) {
    String hangUpReason;
    lock.lock();
    try {
      hangUpReason = failLocked(cause);
    } finally {
      lock.unlock();
    }
    hangUp(hangUpReason);
  }

  /**
   * Records the failure; returns the reason to {@link #hangUp} with once the lock is released (a
   * local producer's locks must not be taken under the gate's), or null if already failed.
   */
  private String failLocked(ShuffleException cause) {
    if (closed || failure != null) {
      return null;
    }
    failure = cause;
    releaseQueuedLocked();
    inputAvailable.signalAll();
    return "consumer of " + describeSubscription() + " failed: " + cause.getMessage();
  }

  private void hangUp(String reason) {
    if (reason != null) {
      for (InputChannel c : channels) {
        c.close(reason);
      }
    }
  }

  private void releaseQueuedLocked() {
    channelsWithInput.clear();
    for (InputChannel ch : channels) {
      for (Object element : ch.received) {
        ReferenceCountUtil.release(element);
      }
      ch.received.clear();
      ch.queuedData = 0;
      ch.enqueuedAsAvailable = false;
    }
  }

  String describeSubscription() {
    return "subpartition " + subpartition + " of stage " + stageId + " (query run " + queryRunId
        + ")";
  }

  /** For tests that drive a channel's connection by hand. */
  RemoteInputChannel remoteChannel(int index) {
    return (RemoteInputChannel) channels[index];
  }

  int numChannels() {
    return channels.length;
  }

  /** The aligner's view of the gate; only called under {@link #lock} by the task thread. */
  private final class Alignment implements AlignmentController {
    @Override
    public int numChannels() {
      return channels.length;
    }

    @Override
    public boolean isFinished(int channel) {
      return channels[channel].finished;
    }

    @Override
    public void blockChannel(int channel) {
      channels[channel].blocked = true;
    }

    @Override
    public void unblockAllChannels() {
      for (InputChannel ch : channels) {
        if (ch.blocked) {
          ch.blocked = false;
          if (!ch.received.isEmpty() && !ch.enqueuedAsAvailable) {
            ch.enqueuedAsAvailable = true;
            channelsWithInput.add(ch);
          }
        }
      }
    }

    @Override
    public void epochAligned(long epochId) {
      epochJustAligned = true;
    }

    @Override
    public String describeChannel(int channel) {
      return channels[channel].describe();
    }
  }

  /** Opens the connections of a new gate; runs on the task thread inside {@link #connect}. */
  private static final class Connector {
    private final ShuffleTransportConf conf;
    private final InputGate gate;
    /** The gate's channels to producers in other JVMs. */
    private final RemoteInputChannel[] remote;
    private final EventLoopGroup group;
    private final long deadlineNanos;

    Connector(ShuffleTransportConf conf, InputGate gate) {
      this.conf = conf;
      this.gate = gate;
      this.remote =
          java.util.Arrays.stream(gate.channels)
              .filter(RemoteInputChannel.class::isInstance)
              .map(RemoteInputChannel.class::cast)
              .toArray(RemoteInputChannel[]::new);
      this.group = TransportResources.eventLoopGroup(conf);
      this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(conf.connectTimeoutMs());
    }

    void connectAll() throws InterruptedException {
      // Start every connection before waiting for any, so set-up costs one round trip, not n.
      ChannelFuture[] attempts = new ChannelFuture[remote.length];
      int subscribed = 0;
      try {
        for (int i = 0; i < attempts.length; i++) {
          attempts[i] = start(remote[i]);
        }
        for (; subscribed < attempts.length; subscribed++) {
          RemoteInputChannel ch = remote[subscribed];
          Channel connected = await(ch, attempts, subscribed);
          ch.subscribe(connected, gate.queryRunId, gate.stageId, gate.subpartition);
        }
      } finally {
        // Connections still in flight belong to no input channel yet; the gate cannot close them.
        for (int i = subscribed; i < attempts.length; i++) {
          if (attempts[i] != null) {
            attempts[i].cancel(false);
            attempts[i].channel().close();
          }
        }
      }
    }

    /** Waits for one connection, retrying refused connections with backoff until the deadline. */
    private Channel await(RemoteInputChannel ch, ChannelFuture[] attempts, int i)
        throws InterruptedException {
      long backoffMs = 20;
      while (true) {
        ChannelFuture attempt = attempts[i];
        long remainingMs = remainingMs();
        if (!attempt.await(Math.max(1, remainingMs))) {
          attempt.cancel(false);
          attempt.channel().close();
          throw failure(ch, "no connection within " + conf.connectTimeoutMs() + " ms", null);
        }
        if (attempt.isSuccess()) {
          return attempt.channel();
        }
        remainingMs = remainingMs();
        if (remainingMs <= 0) {
          throw failure(ch, String.valueOf(attempt.cause()), attempt.cause());
        }
        // The producer's server may still be starting; polling is cheap and bounded.
        Thread.sleep(Math.min(backoffMs, remainingMs));
        backoffMs = Math.min(backoffMs * 2, 1000);
        attempts[i] = start(ch);
      }
    }

    private ChannelFuture start(RemoteInputChannel ch) {
      int timeoutMs = (int) Math.max(1, Math.min(remainingMs(), conf.connectTimeoutMs()));
      return new Bootstrap()
          .group(group)
          .channel(NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_KEEPALIVE, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TransportResources.waterMark(conf))
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel c) {
                  TransportResources.configurePipeline(c, conf, new ConsumerHandler(ch));
                }
              })
          .connect(new InetSocketAddress(ch.producer.host(), ch.producer.port()));
    }

    private long remainingMs() {
      return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private ShuffleException failure(RemoteInputChannel ch, String what, Throwable cause) {
      return new ShuffleException(
          "Could not connect to shuffle " + ch.describe() + " within "
              + conf.connectTimeoutMs() + " ms (" + io.rtm.config.RtmOptions
                  .SHUFFLE_CONNECT_TIMEOUT_MS.key()
              + "): " + what + ". Check that the executor hosting map task "
              + ch.producer.mapIndex() + " is running, that its shuffle server address was"
              + " published correctly, and that " + ch.producer.host() + ":"
              + ch.producer.port() + " is reachable from this executor (firewalls).",
          cause);
    }
  }
}
