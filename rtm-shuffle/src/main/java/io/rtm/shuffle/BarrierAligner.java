package io.rtm.shuffle;

/**
 * Epoch barrier alignment for one gate: holds the current {@link AlignmentState} and feeds it the
 * barriers and end-of-partition markers in the order the task thread reads them.
 */
final class BarrierAligner {

  private final AlignmentController controller;
  private AlignmentState state = new WaitingForFirstBarrier(-1);

  BarrierAligner(AlignmentController controller) {
    this.controller = controller;
  }

  void barrierReceived(int channel, long epochId) {
    state = state.barrierReceived(controller, channel, epochId);
  }

  void channelFinished(int channel) {
    state = state.channelFinished(controller, channel);
  }

  long lastAlignedEpoch() {
    return state.lastAlignedEpoch();
  }

  AlignmentState state() {
    return state;
  }
}
