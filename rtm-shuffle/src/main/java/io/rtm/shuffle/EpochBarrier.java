package io.rtm.shuffle;

/**
 * Marks the end of epoch {@code epochId} in a producer's output. Every producer of a stage must
 * emit the same sequence of barrier ids, and the ids emitted by one producer must strictly increase
 * ({@link ResultPartition#broadcastEvent} rejects anything else); consumers align on them.
 *
 * @param epochId non-negative epoch identifier
 */
public record EpochBarrier(long epochId) implements ShuffleEvent {
  public EpochBarrier {
    if (epochId < 0) {
      throw new IllegalArgumentException("epochId must be >= 0, got " + epochId);
    }
  }
}
