package io.rtm.shuffle;

import java.util.ArrayDeque;

/**
 * The consumer's end of one producer, whatever carries its buffers: the state the
 * {@link InputGate} keeps per producer, plus the two things the gate asks of a transport (return
 * a credit, hang up). {@link RemoteInputChannel} reaches a producer in another JVM over TCP,
 * {@link LocalInputChannel} one in this JVM without a socket (cf. Flink's InputChannel, with its
 * Remote- and LocalInputChannel).
 */
abstract class InputChannel {

  /** Queued after the producer's last element. */
  static final Object END_OF_PARTITION =
      new Object() {
        @Override
        public String toString() {
          return "END_OF_PARTITION";
        }
      };

  final int index;
  final ProducerAddress producer;
  final InputGate gate;

  // ---- Guarded by the gate's lock: the transport appends, the task thread polls. ----
  /** ByteBuf (data), ShuffleEvent, or END_OF_PARTITION in arrival order. */
  final ArrayDeque<Object> received = new ArrayDeque<>();
  int queuedData;
  int peakQueuedData;
  /** This channel is in the gate's queue of channels with input. */
  boolean enqueuedAsAvailable;
  /** Delivered the barrier being aligned; not read until alignment completes. */
  boolean blocked;
  /** The task thread consumed END_OF_PARTITION. */
  boolean finished;

  // ---- Task thread only. ----
  long watermarkMs = Long.MIN_VALUE;

  InputChannel(int index, ProducerAddress producer, InputGate gate) {
    this.index = index;
    this.producer = producer;
    this.gate = gate;
  }

  /** Task thread: it finished one data buffer, so the producer may hand over another. */
  abstract void returnCredit();

  /**
   * Any thread, but never while holding the gate's lock (a local producer's locks are taken):
   * hang up, telling the producer why if there is a reason.
   */
  abstract void close(String reason);

  ShuffleException protocolError(String what) {
    return new ShuffleException(
        "Protocol error from shuffle " + describe() + ": " + what
            + ". This indicates mismatched rtm-shuffle versions across executors or a bug.");
  }

  /** "producer host:port (mapIndex m) for subpartition s of stage t, query run q". */
  String describe() {
    return "producer " + producer.host() + ":" + producer.port() + " (mapIndex "
        + producer.mapIndex() + ") for " + gate.describeSubscription();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + index + ", " + producer + "]";
  }
}
