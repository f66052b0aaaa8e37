package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rtm.config.RtmOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer's end of a producer in this JVM (cf. Flink's LocalInputChannel): buffers go from
 * the producer's subpartition queue straight into the gate, without a socket, an event loop or a
 * frame codec. When every task of a query shares one executor (local mode, or co-located map and
 * reduce tasks) this saves two thread hops and the syscalls of each buffer, which otherwise cost
 * a good part of a core on a small machine.
 *
 * <p>Flow control is the remote channel's: a buffer is handed over only with credit, the task
 * thread returns credit as it finishes buffers, events need none and never overtake data. The
 * hand-over ({@link #transfer}) runs on whichever thread has something to move: the producer
 * task thread or the flusher after queueing input, the consumer task thread after returning
 * credit, or the thread that registers the partition. A work counter serialises it, so buffers
 * reach the gate in queue order and at most one thread transfers at a time.
 *
 * <p>Lock order: transfers may run under the subpartition's lock and take the gate's lock; nothing
 * here takes the subpartition's lock while the gate's is held (see {@link InputChannel#close}).
 */
final class LocalInputChannel extends InputChannel implements SubpartitionConsumer {

  private final PartitionRegistry registry;
  private final int subscribeWaitMs;

  /** Buffers the gate can still accept; the transfer takes, the task thread gives back. */
  private final AtomicInteger credit;
  /** Transfer requests not yet served; only the thread that raises it from zero transfers. */
  private final AtomicInteger transferRequests = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Written once when the partition is found, read by every transferring thread. */
  private volatile ResultSubpartition subpartition;
  /**
   * END_OF_PARTITION went to the gate, or the channel failed: nothing more is handed over, and
   * hanging up after this costs the producer nothing.
   */
  private volatile boolean ended;

  LocalInputChannel(
      int index,
      ProducerAddress producer,
      InputGate gate,
      int initialCredit,
      PartitionRegistry registry,
      int subscribeWaitMs) {
    super(index, producer, gate);
    this.credit = new AtomicInteger(initialCredit);
    this.registry = registry;
    this.subscribeWaitMs = subscribeWaitMs;
  }

  /**
   * Subscribes to the producer's subpartition, now if it is registered or once it is; fails the
   * gate, like a remote producer would, if it does not appear within {@code subscribeWaitMs}.
   */
  void subscribe(String queryRunId, int stageId, int subpartitionIndex) {
    PartitionId id = new PartitionId(queryRunId, stageId, producer.mapIndex());
    CompletableFuture<ResultPartition> lookup = registry.lookup(id);
    if (!lookup.isDone()) {
      TransportResources.flusher()
          .schedule(
              () -> {
                if (!lookup.isDone()) {
                  registry.abandon(id, lookup);
                  fail(
                      "partition " + id + " was not registered in this JVM's shuffle server within "
                          + subscribeWaitMs + " ms (" + RtmOptions.SHUFFLE_SUBSCRIBE_WAIT_MS.key()
                          + "); check that map task " + id.mapIndex() + " runs on this executor"
                          + " and has not failed");
                }
              },
              TimeUnit.MILLISECONDS.toNanos(subscribeWaitMs));
    }
    lookup.whenComplete(
        (partition, error) -> {
          if (error != null) {
            fail(error.getMessage());
          } else {
            attach(partition, subpartitionIndex);
          }
        });
  }

  private void attach(ResultPartition partition, int index) {
    if (closed.get()) {
      return;
    }
    try {
      partition.subscribe(index, subpartition -> this, " in this JVM");
    } catch (ShuffleException e) {
      fail(e.getMessage());
      return;
    }
    subpartition = partition.subpartition(index);
    transfer();
  }

  // ---------------------------------------------------------------------------------------------
  // SubpartitionConsumer: the producer's side
  // ---------------------------------------------------------------------------------------------

  @Override
  public void notifyDataAvailable() {
    transfer();
  }

  @Override
  public void failAndClose(ShuffleException cause) {
    if (!ended) {
      fail(cause.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // InputChannel: the gate's side
  // ---------------------------------------------------------------------------------------------

  @Override
  void returnCredit() {
    // Only a transfer that found no credit can have left a buffer behind, so only the first
    // credit after zero needs one (the local twin of announcing credit on its zero edge).
    if (credit.getAndIncrement() == 0) {
      transfer();
    }
  }

  @Override
  void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ResultSubpartition sub = subpartition;
    if (sub == null || ended) {
      return;
    }
    // Like a remote consumer's disconnect: without replay, the producer's output is now lost.
    String why =
        reason != null
            ? "the consumer reported an error and gave up: " + reason
            : "the consumer closed its input";
    sub.parent()
        .fail(
            new ShuffleException(
                "Shuffle consumer " + gate.describeSubscription() + " (in this JVM) of subpartition "
                    + sub.index() + " of " + sub.parent().id() + " is gone before end of"
                    + " partition: " + why + ". Check the reduce task for subpartition "
                    + sub.index() + " (executor logs, task failure or cancellation)."));
  }

  // ---------------------------------------------------------------------------------------------
  // Hand-over
  // ---------------------------------------------------------------------------------------------

  /** Moves everything that may move now into the gate, on this thread or on the one already at it. */
  private void transfer() {
    if (transferRequests.getAndIncrement() != 0) {
      return;
    }
    int requests = 1;
    do {
      transferAvailable();
      requests = transferRequests.addAndGet(-requests);
    } while (requests != 0);
  }

  private void transferAvailable() {
    ResultSubpartition sub = subpartition;
    if (sub == null || ended || closed.get()) {
      return;
    }
    while (true) {
      Object next = sub.pollSendable(credit.get() > 0);
      if (next == null) {
        return;
      }
      if (next instanceof ByteBuf buffer) {
        credit.decrementAndGet();
        gate.enqueue(this, onHeap(buffer));
      } else if (next == ResultSubpartition.END_OF_PARTITION) {
        ended = true;
        gate.enqueue(this, END_OF_PARTITION);
        sub.release(null);
        return;
      } else {
        gate.enqueue(this, next);
      }
    }
  }

  /**
   * The gate hands records out as slices of the buffer's array. Producers allocate from the
   * default allocator, which prefers direct memory for the socket path, so a direct buffer is
   * copied once here: the same copy the remote path's frame decoder makes.
   */
  private static ByteBuf onHeap(ByteBuf buffer) {
    if (buffer.hasArray()) {
      return buffer;
    }
    int size = buffer.readableBytes();
    try {
      return ByteBufAllocator.DEFAULT.heapBuffer(size, size).writeBytes(buffer);
    } finally {
      buffer.release();
    }
  }

  private void fail(String message) {
    ended = true;
    gate.fail(new ShuffleException("Shuffle " + describe() + " failed: " + message));
  }
}
