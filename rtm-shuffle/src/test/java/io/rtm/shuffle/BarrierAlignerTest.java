package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alignment state machine on its own, against a recording controller. */
class BarrierAlignerTest {

  private static final class Recorder implements AlignmentController {
    final int channels;
    final BitSet blocked = new BitSet();
    final BitSet finished = new BitSet();
    final List<Long> aligned = new ArrayList<>();
    int unblockCalls;

    Recorder(int channels) {
      this.channels = channels;
    }

    @Override
    public int numChannels() {
      return channels;
    }

    @Override
    public boolean isFinished(int channel) {
      return finished.get(channel);
    }

    @Override
    public void blockChannel(int channel) {
      blocked.set(channel);
    }

    @Override
    public void unblockAllChannels() {
      blocked.clear();
      unblockCalls++;
    }

    @Override
    public void epochAligned(long epochId) {
      aligned.add(epochId);
    }

    @Override
    public String describeChannel(int channel) {
      return "producer#" + channel;
    }
  }

  @Test
  void blocksEachChannelUntilAllDeliveredTheBarrier() {
    Recorder c = new Recorder(3);
    BarrierAligner aligner = new BarrierAligner(c);
    assertThat(aligner.state()).isInstanceOf(WaitingForFirstBarrier.class);

    aligner.barrierReceived(0, 1);
    assertThat(aligner.state()).isInstanceOf(CollectingBarriers.class);
    assertThat(c.blocked.stream()).containsExactly(0);

    aligner.barrierReceived(2, 1);
    assertThat(c.blocked.stream()).containsExactly(0, 2);
    assertThat(c.aligned).isEmpty();

    aligner.barrierReceived(1, 1);
    assertThat(c.aligned).containsExactly(1L);
    assertThat(c.blocked.isEmpty()).isTrue();
    assertThat(aligner.state()).isInstanceOf(WaitingForFirstBarrier.class);
    assertThat(aligner.lastAlignedEpoch()).isEqualTo(1);
  }

  @Test
  void singleChannelAlignsImmediatelyWithoutBlocking() {
    Recorder c = new Recorder(1);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 0);
    aligner.barrierReceived(0, 1);
    assertThat(c.aligned).containsExactly(0L, 1L);
    assertThat(c.blocked.isEmpty()).isTrue();
  }

  @Test
  void epochIdsMayHaveGapsAsLongAsAllChannelsAgree() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    for (long epoch : new long[] {3, 10, 11}) {
      aligner.barrierReceived(1, epoch);
      aligner.barrierReceived(0, epoch);
    }
    assertThat(c.aligned).containsExactly(3L, 10L, 11L);
  }

  @Test
  void finishedChannelsCountAsAligned() {
    Recorder c = new Recorder(3);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 4);
    aligner.barrierReceived(1, 4);
    assertThat(c.aligned).isEmpty();

    c.finished.set(2);
    aligner.channelFinished(2);
    assertThat(c.aligned).containsExactly(4L);
    assertThat(c.blocked.isEmpty()).isTrue();

    // Later epochs only wait for the live channels.
    aligner.barrierReceived(0, 5);
    assertThat(c.aligned).containsExactly(4L);
    aligner.barrierReceived(1, 5);
    assertThat(c.aligned).containsExactly(4L, 5L);
  }

  @Test
  void finishWhileWaitingChangesNothing() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    c.finished.set(0);
    aligner.channelFinished(0);
    assertThat(aligner.state()).isInstanceOf(WaitingForFirstBarrier.class);
    aligner.barrierReceived(1, 0);
    assertThat(c.aligned).containsExactly(0L);
  }

  @Test
  void barrierNotAboveTheLastAlignedEpochIsRejected() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 2);
    aligner.barrierReceived(1, 2);

    assertThatThrownBy(() -> aligner.barrierReceived(1, 2))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("producer#1 delivered epoch barrier 2")
        .hasMessageContaining("strictly increase");
  }

  @Test
  void staleBarrierWhileCollectingIsRejected() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 2);
    aligner.barrierReceived(1, 2);
    aligner.barrierReceived(0, 3);

    assertThatThrownBy(() -> aligner.barrierReceived(1, 1))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("strictly increase");
  }

  @Test
  void channelSkippingAheadIsRejected() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 1);

    assertThatThrownBy(() -> aligner.barrierReceived(1, 2))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("producer#1 skipped ahead to epoch barrier 2")
        .hasMessageContaining("same sequence of barrier ids");
  }

  @Test
  void channelThatWasSkippedByOthersIsRejected() {
    Recorder c = new Recorder(2);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 7);

    assertThatThrownBy(() -> aligner.barrierReceived(1, 5))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("already delivered 7, so they skipped epoch 5");
  }

  @Test
  void duplicateBarrierFromOneChannelIsRejected() {
    Recorder c = new Recorder(3);
    BarrierAligner aligner = new BarrierAligner(c);
    aligner.barrierReceived(0, 1);

    assertThatThrownBy(() -> aligner.barrierReceived(0, 1))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("twice");
  }
}
