package io.rtm.shuffle;

/**
 * A state of epoch barrier alignment. Transitions return the next state; protocol violations throw
 * {@link ShuffleException}. Modelled on Flink's BarrierHandlerState.
 */
sealed interface AlignmentState permits WaitingForFirstBarrier, CollectingBarriers {

  AlignmentState barrierReceived(AlignmentController controller, int channel, long epochId);

  /** Must be called after the controller already reports the channel as finished. */
  AlignmentState channelFinished(AlignmentController controller, int channel);

  /** The last epoch every channel delivered, or -1 before the first. */
  long lastAlignedEpoch();
}
