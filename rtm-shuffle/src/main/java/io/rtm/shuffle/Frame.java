package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;

/**
 * The messages of the wire protocol. On the wire each frame is {@code int length} (of what
 * follows), {@code byte type}, then the type's fields; see {@link FrameEncoder}.
 *
 * <p>Sequence numbers count every DATA, EVENT and END_OF_PARTITION frame of one subscription from
 * 0, so the consumer can prove that nothing was lost or reordered between the queues.
 */
sealed interface Frame {

  /** Bumped whenever the encoding changes; peers with different versions refuse to talk. */
  int PROTOCOL_VERSION = 1;

  byte TYPE_SUBSCRIBE = 1;
  byte TYPE_DATA = 2;
  byte TYPE_EVENT = 3;
  byte TYPE_ADD_CREDIT = 4;
  byte TYPE_END_OF_PARTITION = 5;
  byte TYPE_ERROR = 6;
  byte TYPE_HEARTBEAT = 7;

  byte EVENT_EPOCH_BARRIER = 1;
  byte EVENT_WATERMARK = 2;

  /** Consumer to producer: start sending subpartition {@code subpartition} of a partition. */
  record Subscribe(
      int protocolVersion,
      String queryRunId,
      int stageId,
      int mapIndex,
      int subpartition,
      int initialCredit)
      implements Frame {
    PartitionId partitionId() {
      return new PartitionId(queryRunId, stageId, mapIndex);
    }
  }

  /**
   * Producer to consumer: one buffer of records, each framed as {@code int length + bytes}. Whoever
   * holds this frame owns one reference to {@code payload} and must release it.
   */
  record Data(long seq, ByteBuf payload) implements Frame {}

  /** Producer to consumer: an in-band {@link ShuffleEvent}. */
  record Event(long seq, ShuffleEvent event) implements Frame {}

  /** Consumer to producer: {@code credit} more buffers may be sent. */
  record AddCredit(int credit) implements Frame {}

  /** Producer to consumer: the producer closed its partition; nothing follows. */
  record EndOfPartition(long seq) implements Frame {}

  /** Either direction: the sender gives up on this connection, for the stated reason. */
  record ErrorMessage(String message) implements Frame {}

  /** Either direction: keeps an idle connection distinguishable from a dead one. */
  enum Heartbeat implements Frame {
    INSTANCE
  }
}
