package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output of one map task for one reducer: the batch being filled plus a bounded queue of
 * finished buffers and events waiting for the network.
 *
 * <p>Three threads meet here, all under {@link #lock}: the task thread appends records and events,
 * the shared flusher hands over batches that waited long enough, and the consumer takes buffers
 * off the queue as credit allows: a connection's event loop ({@link SubpartitionReader}), or for a
 * consumer in this JVM whichever thread hands buffers to its gate ({@link LocalInputChannel}). The
 * lock is held only for a record copy or a queue operation, and the task thread never waits while
 * holding it (it awaits {@link #notFull}, which releases it).
 *
 * <p>Lock order: a local consumer may take its gate's lock while this lock is held (it is woken
 * from {@link #append}), so nothing may take this lock while holding a gate's lock.
 */
final class ResultSubpartition {

  /** Queued after the last element; sending it ends the subscription. */
  static final Object END_OF_PARTITION =
      new Object() {
        @Override
        public String toString() {
          return "END_OF_PARTITION";
        }
      };

  private final ResultPartition parent;
  private final int index;
  private final int bufferSize;
  private final int capacity;
  private final boolean flushEveryRecord;
  private final ByteBufAllocator allocator;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled by the event loop when it takes a data buffer, and on release. */
  private final Condition notFull = lock.newCondition();

  // ---- Guarded by lock. Filled by the task thread; handed over by it or by the flusher. ----
  private ByteBuf batch;
  private long batchStartNanos;

  // ---- Guarded by lock. Task thread and flusher append, event loop polls. ----
  /** ByteBuf (data), ShuffleEvent, or END_OF_PARTITION; data never overtakes or is overtaken. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  /** Data buffers in {@link #queue}; the quantity bounded by producerQueueBuffers. */
  private int queuedData;
  /** Set once on subscription; woken when the queue gets input. */
  private SubpartitionConsumer reader;
  /** After release nothing is queued or sent any more and all buffers have been freed. */
  private boolean released;

  // ---- Guarded by lock: metrics. ----
  private long records;
  private long recordBytes;
  private long buffersSent;
  private long events;
  private long blockedNanos;
  private int peakQueuedData;

  ResultSubpartition(
      ResultPartition parent, int index, ShuffleTransportConf conf, ByteBufAllocator allocator) {
    this.parent = parent;
    this.index = index;
    this.bufferSize = conf.bufferSizeBytes();
    this.capacity = conf.producerQueueBuffers();
    this.flushEveryRecord = conf.maxFlushDelayMicros() == 0;
    this.allocator = allocator;
  }

  int index() {
    return index;
  }

  ResultPartition parent() {
    return parent;
  }

  // ---------------------------------------------------------------------------------------------
  // Task thread
  // ---------------------------------------------------------------------------------------------

  void emit(byte[] bytes, int offset, int length) throws InterruptedException {
    emit(bytes, offset, length, false, 0);
  }

  /** With {@code withTrailer}, {@code trailer} follows the bytes inside the same record (8 bytes, big-endian). */
  void emit(byte[] bytes, int offset, int length, boolean withTrailer, long trailer) throws InterruptedException {
    boolean startedBatch = false;
    lock.lock();
    try {
      checkUsable();
      int recordLength = withTrailer ? length + 8 : length;
      int framed = 4 + recordLength;
      ByteBuf current = batch;
      if (current != null && current.writableBytes() < framed) {
        batch = null;
        enqueueDataBlocking(current);
        current = null;
      }
      if (current == null) {
        // A record larger than a buffer travels alone in a buffer of its own size.
        current = allocator.buffer(Math.max(bufferSize, framed));
        batch = current;
        batchStartNanos = System.nanoTime();
        startedBatch = true;
      }
      current.writeInt(recordLength);
      current.writeBytes(bytes, offset, length);
      if (withTrailer) {
        current.writeLong(trailer);
      }
      records++;
      recordBytes += recordLength;
      if (flushEveryRecord || current.writableBytes() < 4) {
        batch = null;
        startedBatch = false;
        enqueueDataBlocking(current);
      }
    } finally {
      lock.unlock();
    }
    if (startedBatch) {
      parent.batchStarted();
    }
  }

  /** Hands over the pending batch, waiting for queue space; then optionally queues an event. */
  void flush(ShuffleEvent eventAfterwards) throws InterruptedException {
    lock.lock();
    try {
      checkUsable();
      ByteBuf current = batch;
      if (current != null) {
        batch = null;
        enqueueDataBlocking(current);
      }
      if (eventAfterwards != null) {
        events++;
        append(eventAfterwards);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues the pending batch and END_OF_PARTITION without waiting. Close must not block on a
   * consumer that may never drain, so the final batch may exceed the queue bound by one.
   */
  void finish() {
    lock.lock();
    try {
      if (released) {
        return;
      }
      ByteBuf current = batch;
      if (current != null) {
        batch = null;
        queuedData++;
        append(current);
      }
      append(END_OF_PARTITION);
    } finally {
      lock.unlock();
    }
  }

  private void enqueueDataBlocking(ByteBuf full) throws InterruptedException {
    if (queuedData >= capacity) {
      long start = System.nanoTime();
      try {
        while (queuedData >= capacity && !released) {
          notFull.await();
        }
      } catch (InterruptedException e) {
        full.release();
        throw e;
      } finally {
        blockedNanos += System.nanoTime() - start;
      }
    }
    if (released) {
      full.release();
      checkUsable();
      throw new IllegalStateException("subpartition " + index + " was released");
    }
    queuedData++;
    peakQueuedData = Math.max(peakQueuedData, queuedData);
    append(full);
  }

  private void append(Object element) {
    boolean wasEmpty = queue.isEmpty();
    queue.add(element);
    // A non-empty queue means the reader is either draining already or waiting for credit or
    // writability, both of which wake it by other means; only the empty->non-empty edge needs a
    // (comparatively expensive) cross-thread task submission.
    if (wasEmpty && reader != null) {
      reader.notifyDataAvailable();
    }
  }

  private void checkUsable() {
    ShuffleException failure = parent.failure();
    if (failure != null) {
      // Re-throw on the task thread with its own stack, keeping the event loop's as the cause.
      throw new ShuffleException(failure.getMessage(), failure);
    }
    if (released) {
      throw new IllegalStateException(
          "subpartition " + index + " of " + parent.id() + " was already released");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Flusher thread
  // ---------------------------------------------------------------------------------------------

  /**
   * Hands over the batch if it has waited {@code delayNanos}. Never blocks: with a full queue the
   * batch simply stays for the next round, the consumer is the bottleneck then anyway.
   *
   * @return nanos until this subpartition wants another look, or -1 if it has no pending batch
   */
  long flushIfDue(long nowNanos, long delayNanos) {
    lock.lock();
    try {
      if (batch == null || released) {
        return -1;
      }
      long age = nowNanos - batchStartNanos;
      if (age < delayNanos) {
        return delayNanos - age;
      }
      if (queuedData >= capacity) {
        return Math.max(delayNanos, 100_000L);
      }
      ByteBuf current = batch;
      batch = null;
      queuedData++;
      peakQueuedData = Math.max(peakQueuedData, queuedData);
      append(current);
      return -1;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The subscribed consumer (a connection's event loop, or a local gate's hand-over)
  // ---------------------------------------------------------------------------------------------

  /** @return false if someone already subscribed to this subpartition, or it was released */
  boolean attachReader(SubpartitionConsumer newReader) {
    lock.lock();
    try {
      if (reader != null || released) {
        return false;
      }
      reader = newReader;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the next element if it may be sent: events always (they need no credit, and being at
   * the head nothing queued before them is left behind), data only with credit.
   */
  Object pollSendable(boolean hasCredit) {
    lock.lock();
    try {
      Object head = queue.peek();
      if (head == null || released) {
        return null;
      }
      if (head instanceof ByteBuf) {
        if (!hasCredit) {
          return null;
        }
        queuedData--;
        buffersSent++;
        notFull.signal();
      }
      return queue.poll();
    } finally {
      lock.unlock();
    }
  }

  boolean isReleased() {
    lock.lock();
    try {
      return released;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Any thread
  // ---------------------------------------------------------------------------------------------

  /**
   * Frees every buffer and wakes a blocked writer. With a {@code cause}, the subscribed consumer
   * (if any) is told why before its connection closes.
   */
  void release(ShuffleException cause) {
    release(cause, false);
  }

  /** Releases only if nobody subscribed, atomically with respect to {@link #attachReader}. */
  void releaseIfUnsubscribed() {
    release(null, true);
  }

  private void release(ShuffleException cause, boolean onlyIfUnsubscribed) {
    SubpartitionConsumer toNotify;
    lock.lock();
    try {
      if (released || (onlyIfUnsubscribed && reader != null)) {
        return;
      }
      released = true;
      for (Object element : queue) {
        if (element instanceof ByteBuf buf) {
          buf.release();
        }
      }
      queue.clear();
      queuedData = 0;
      if (batch != null) {
        batch.release();
        batch = null;
      }
      notFull.signalAll();
      toNotify = reader;
    } finally {
      lock.unlock();
    }
    if (cause != null && toNotify != null) {
      toNotify.failAndClose(cause);
    }
    parent.subpartitionReleased();
  }

  /** Adds this subpartition's counters to {@code sum}. */
  void addMetricsTo(long[] sum) {
    lock.lock();
    try {
      sum[0] += records;
      sum[1] += recordBytes;
      sum[2] += buffersSent;
      sum[3] += events;
      sum[4] += blockedNanos;
      sum[5] += queuedData;
      sum[6] = Math.max(sum[6], peakQueuedData);
    } finally {
      lock.unlock();
    }
  }
}
