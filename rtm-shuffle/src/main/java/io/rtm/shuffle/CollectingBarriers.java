package io.rtm.shuffle;

import java.util.BitSet;

/**
 * At least one channel delivered the barrier of {@link #epochId} and is blocked; waiting for the
 * rest. Finished channels count as aligned, since they will never deliver it.
 */
final class CollectingBarriers implements AlignmentState {

  private final long lastAlignedEpoch;
  private final long epochId;
  private final BitSet received;

  CollectingBarriers(long lastAlignedEpoch, long epochId, int numChannels) {
    this.lastAlignedEpoch = lastAlignedEpoch;
    this.epochId = epochId;
    this.received = new BitSet(numChannels);
  }

  @Override
  public AlignmentState barrierReceived(AlignmentController c, int channel, long barrierId) {
    if (barrierId != epochId || received.get(channel)) {
      throw mismatch(c, channel, barrierId);
    }
    received.set(channel);
    if (isComplete(c)) {
      return complete(c);
    }
    c.blockChannel(channel);
    return this;
  }

  @Override
  public AlignmentState channelFinished(AlignmentController c, int channel) {
    return isComplete(c) ? complete(c) : this;
  }

  @Override
  public long lastAlignedEpoch() {
    return lastAlignedEpoch;
  }

  long epochId() {
    return epochId;
  }

  boolean hasReceived(int channel) {
    return received.get(channel);
  }

  private boolean isComplete(AlignmentController c) {
    for (int i = 0; i < c.numChannels(); i++) {
      if (!received.get(i) && !c.isFinished(i)) {
        return false;
      }
    }
    return true;
  }

  private AlignmentState complete(AlignmentController c) {
    c.unblockAllChannels();
    c.epochAligned(epochId);
    return new WaitingForFirstBarrier(epochId);
  }

  private ShuffleException mismatch(AlignmentController c, int channel, long barrierId) {
    String who = c.describeChannel(channel);
    String reason;
    if (received.get(channel) && barrierId == epochId) {
      reason = who + " delivered epoch barrier " + barrierId + " twice";
    } else if (barrierId <= lastAlignedEpoch) {
      reason =
          who + " delivered epoch barrier " + barrierId + " after epoch " + lastAlignedEpoch
              + " was already aligned; barrier ids must strictly increase per producer";
    } else if (barrierId > epochId) {
      reason =
          who + " skipped ahead to epoch barrier " + barrierId + " while epoch " + epochId
              + " is still being aligned";
    } else {
      reason =
          who + " delivered epoch barrier " + barrierId + " while other producers already"
              + " delivered " + epochId + ", so they skipped epoch " + barrierId;
    }
    return new ShuffleException(
        "Protocol error during epoch alignment: " + reason
            + ". Every producer of a stage must emit the same sequence of barrier ids.");
  }

  @Override
  public String toString() {
    return "CollectingBarriers[epoch=" + epochId + ", received=" + received + "]";
  }
}
