package io.rtm.shuffle;

import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The producer side of one map task: one bounded queue per subpartition (reducer), served to the
 * consumers that subscribe through the {@link ShuffleServer}.
 *
 * <p>Records are appended to a per-subpartition batch buffer ({@code int length + bytes} each).
 * A batch is queued when the next record no longer fits, or by the shared flusher once its first
 * record has waited {@code maxFlushDelayMicros}. Each queue holds at most
 * {@code producerQueueBuffers} data buffers; when it is full, {@link #emitRecord} blocks until the
 * consumer grants credit and the buffer leaves, which is how backpressure reaches the map task.
 *
 * <p>Threading: {@link #emitRecord}, {@link #broadcastEvent}, {@link #flushAll} and
 * {@link #close} must be called from a single thread (the task thread). {@link #metrics} may be
 * called from any thread. Failures detected on the network side (consumer lost or timed out,
 * consumer error) are thrown as {@link ShuffleException} from the next call on the task thread.
 */
public final class ResultPartition implements AutoCloseable {

  private final PartitionId id;
  private final ResultSubpartition[] subpartitions;
  private final FlushScheduler flusher;
  private final long flushDelayNanos;
  private final long lingerNanos;
  private final Runnable onReleased;

  private final AtomicReference<ShuffleException> failure = new AtomicReference<>();
  /** True while a flush task is scheduled; keeps the flusher to one task per partition. */
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private final AtomicInteger unreleasedSubpartitions;

  // ---- Task thread only. ----
  private boolean closed;
  private long lastBarrierId = -1;

  ResultPartition(
      PartitionId id,
      int numSubpartitions,
      ShuffleTransportConf conf,
      FlushScheduler flusher,
      ByteBufAllocator allocator,
      Runnable onReleased) {
    if (numSubpartitions <= 0) {
      throw new IllegalArgumentException("numSubpartitions must be > 0, got " + numSubpartitions);
    }
    this.id = Objects.requireNonNull(id, "id");
    this.flusher = flusher;
    this.flushDelayNanos = TimeUnit.MICROSECONDS.toNanos(conf.maxFlushDelayMicros());
    this.lingerNanos = TimeUnit.MILLISECONDS.toNanos(conf.subscribeWaitMs());
    this.onReleased = onReleased;
    this.subpartitions = new ResultSubpartition[numSubpartitions];
    for (int i = 0; i < numSubpartitions; i++) {
      subpartitions[i] = new ResultSubpartition(this, i, conf, allocator);
    }
    this.unreleasedSubpartitions = new AtomicInteger(numSubpartitions);
  }

  public PartitionId id() {
    return id;
  }

  public int numSubpartitions() {
    return subpartitions.length;
  }

  /**
   * Appends one record to {@code subpartition}'s current batch. Blocks while that subpartition's
   * queue is full (backpressure); the time blocked shows up in {@link ShuffleMetrics#blockedNanos}.
   *
   * @throws ShuffleException if a consumer of this partition was lost or reported an error
   * @throws InterruptedException if the task is cancelled while blocked; the record is dropped
   */
  public void emitRecord(int subpartition, byte[] bytes, int offset, int length)
      throws InterruptedException {
    checkOpen();
    Objects.checkIndex(subpartition, subpartitions.length);
    Objects.checkFromIndexSize(offset, length, bytes.length);
    subpartitions[subpartition].emit(bytes, offset, length);
  }

  /**
   * As {@link #emitRecord(int, byte[], int, int)}, with 8 more bytes appended to the record:
   * {@code trailer}, big-endian, so the consumer sees a record of {@code length + 8} bytes. Lets a
   * caller ship a per-record value (the engine's row origin time) without copying the row first.
   */
  public void emitRecord(int subpartition, byte[] bytes, int offset, int length, long trailer)
      throws InterruptedException {
    checkOpen();
    Objects.checkIndex(subpartition, subpartitions.length);
    Objects.checkFromIndexSize(offset, length, bytes.length);
    subpartitions[subpartition].emit(bytes, offset, length, true, trailer);
  }

  /**
   * Flushes every pending batch, then queues {@code event} on every subpartition behind it. The
   * event itself needs no credit and no queue space, so only the flush can block.
   *
   * @throws IllegalArgumentException if an {@link EpochBarrier} id does not exceed the previous one
   */
  public void broadcastEvent(ShuffleEvent event) throws InterruptedException {
    checkOpen();
    Objects.requireNonNull(event, "event");
    if (event instanceof EpochBarrier barrier) {
      if (barrier.epochId() <= lastBarrierId) {
        throw new IllegalArgumentException(
            "Epoch barrier ids must strictly increase per producer: got " + barrier.epochId()
                + " after " + lastBarrierId + " on " + id);
      }
      lastBarrierId = barrier.epochId();
    }
    for (ResultSubpartition s : subpartitions) {
      s.flush(event);
    }
  }

  /** Queues every non-empty batch now, blocking while a queue is full. */
  public void flushAll() throws InterruptedException {
    checkOpen();
    for (ResultSubpartition s : subpartitions) {
      s.flush(null);
    }
  }

  public ShuffleMetrics metrics() {
    long[] sum = new long[7];
    for (ResultSubpartition s : subpartitions) {
      s.addMetricsTo(sum);
    }
    return new ShuffleMetrics(sum[0], sum[1], sum[2], sum[3], sum[4], (int) sum[5], (int) sum[6]);
  }

  /**
   * Ends the partition: pending batches are queued (possibly one beyond the queue bound, since
   * close never blocks) followed by END_OF_PARTITION, and each subpartition's buffers are released
   * once its consumer received everything. A subpartition nobody subscribed to is dropped after
   * {@code subscribeWaitMs}; after a failure everything is released at once. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (failure.get() != null) {
      releaseAll(null);
      return;
    }
    for (ResultSubpartition s : subpartitions) {
      s.finish();
    }
    flusher.schedule(this::releaseUnsubscribed, lingerNanos);
  }

  // ---------------------------------------------------------------------------------------------
  // Internal
  // ---------------------------------------------------------------------------------------------

  ResultSubpartition subpartition(int index) {
    return subpartitions[index];
  }

  /**
   * Subscribes a consumer to subpartition {@code index}, for a remote connection and a local
   * channel alike: {@code newConsumer} makes it for the subpartition, which then takes it as its
   * only consumer.
   *
   * @param where where this partition is served, for messages (" on host:port", " in this JVM")
   * @return the consumer {@code newConsumer} made
   * @throws ShuffleException saying why not: no such subpartition, the partition failed, or the
   *     subpartition already has a consumer or was released
   */
  <C extends SubpartitionConsumer> C subscribe(
      int index, java.util.function.Function<ResultSubpartition, C> newConsumer, String where) {
    if (index < 0 || index >= subpartitions.length) {
      throw new ShuffleException(
          "subpartition " + index + " does not exist: partition " + id + where + " has "
              + subpartitions.length
              + " subpartitions; producer and consumer disagree on the number of reducers");
    }
    ShuffleException failed = failure.get();
    if (failed != null) {
      throw new ShuffleException(failed.getMessage(), failed);
    }
    C consumer = newConsumer.apply(subpartitions[index]);
    if (!subpartitions[index].attachReader(consumer)) {
      throw new ShuffleException(
          "subpartition " + index + " of " + id + where + " is already consumed by another"
              + " consumer or was released (a producer keeps a closed partition only "
              + io.rtm.config.RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.key()
              + " for late consumers); each reducer must subscribe exactly once");
    }
    return consumer;
  }

  ShuffleException failure() {
    return failure.get();
  }

  /**
   * Fails the whole partition: a pipelined shuffle has no replay, so losing one consumer means
   * the query must restart, and the other consumers are told so right away.
   */
  void fail(ShuffleException cause) {
    if (failure.compareAndSet(null, cause)) {
      releaseAll(cause);
    }
  }

  /** Called by a subpartition when it started a batch; arms the flusher if idle. */
  void batchStarted() {
    if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
      flusher.schedule(this::flushDue, flushDelayNanos);
    }
  }

  /** Flusher thread: hands over batches that waited long enough, re-arms for the others. */
  void flushDue() {
    flushScheduled.set(false);
    long now = System.nanoTime();
    long nextCheck = Long.MAX_VALUE;
    for (ResultSubpartition s : subpartitions) {
      long wait = s.flushIfDue(now, flushDelayNanos);
      if (wait >= 0) {
        nextCheck = Math.min(nextCheck, wait);
      }
    }
    if (nextCheck != Long.MAX_VALUE && flushScheduled.compareAndSet(false, true)) {
      flusher.schedule(this::flushDue, nextCheck);
    }
  }

  void subpartitionReleased() {
    if (unreleasedSubpartitions.decrementAndGet() == 0) {
      onReleased.run();
    }
  }

  private void releaseUnsubscribed() {
    for (ResultSubpartition s : subpartitions) {
      s.releaseIfUnsubscribed();
    }
  }

  private void releaseAll(ShuffleException cause) {
    for (ResultSubpartition s : subpartitions) {
      s.release(cause);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("ResultPartition " + id + " is closed");
    }
  }

  @Override
  public String toString() {
    return "ResultPartition" + id;
  }
}
