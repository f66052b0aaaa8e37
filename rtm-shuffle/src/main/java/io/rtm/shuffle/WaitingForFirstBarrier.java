package io.rtm.shuffle;

/** No barrier of the next epoch has arrived yet; every unfinished channel is being read. */
final class WaitingForFirstBarrier implements AlignmentState {

  private final long lastAlignedEpoch;

  WaitingForFirstBarrier(long lastAlignedEpoch) {
    this.lastAlignedEpoch = lastAlignedEpoch;
  }

  @Override
  public AlignmentState barrierReceived(AlignmentController c, int channel, long epochId) {
    if (epochId <= lastAlignedEpoch) {
      throw new ShuffleException(
          "Protocol error: " + c.describeChannel(channel) + " delivered epoch barrier " + epochId
              + " but epoch " + lastAlignedEpoch + " was already aligned; barrier ids must"
              + " strictly increase per producer. Check the producer's epoch bookkeeping.");
    }
    return new CollectingBarriers(lastAlignedEpoch, epochId, c.numChannels())
        .barrierReceived(c, channel, epochId);
  }

  @Override
  public AlignmentState channelFinished(AlignmentController c, int channel) {
    return this;
  }

  @Override
  public long lastAlignedEpoch() {
    return lastAlignedEpoch;
  }

  @Override
  public String toString() {
    return "WaitingForFirstBarrier[lastAligned=" + lastAlignedEpoch + "]";
  }
}
