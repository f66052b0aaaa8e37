package io.rtm.shuffle;

/**
 * What the barrier alignment states may do to the gate; modelled on Flink's
 * BarrierHandlerState.Controller. Keeping the states behind this interface lets them be unit
 * tested without channels, threads or Netty.
 */
interface AlignmentController {

  int numChannels();

  /** The channel delivered END_OF_PARTITION; it will never deliver another barrier. */
  boolean isFinished(int channel);

  /** Stop reading the channel: it is ahead of the others and its data belongs to the next epoch. */
  void blockChannel(int channel);

  /** Alignment completed: every channel may be read again. */
  void unblockAllChannels();

  /** Every live channel delivered the barrier of {@code epochId}. */
  void epochAligned(long epochId);

  /** Human-readable name of the channel's producer for error messages. */
  String describeChannel(int channel);
}
