package io.rtm.shuffle;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of aligning one epoch in the barrier state machine on its own ({@link BarrierAligner}
 * through {@link WaitingForFirstBarrier} and {@link CollectingBarriers}): every one of
 * {@code channels} input channels delivers the barrier of the next epoch, all but the last are
 * blocked, the last completes the epoch and unblocks them. One operation is one aligned epoch.
 * No socket, no threads and no lock: the controller only flips flags, as the gate's does, so the
 * score is the state machine's own work per epoch (in this package because the aligner is
 * package-private, as its unit test is). The gate's record path around it is in
 * {@link GateRecordPathBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
public class BarrierAlignmentBenchmark {

  @Param({"2", "8", "32"})
  public int channels;

  private FlagController controller;
  private BarrierAligner aligner;
  private long epoch;

  @Setup(Level.Trial)
  public void create() {
    controller = new FlagController(channels);
    aligner = new BarrierAligner(controller);
    epoch = -1;
  }

  @Benchmark
  public long alignEpoch() {
    long e = ++epoch;
    // A different channel is first each epoch: which producer is ahead varies in a real stage.
    int first = (int) (e % channels);
    for (int i = 0; i < channels; i++) {
      int c = first + i;
      aligner.barrierReceived(c < channels ? c : c - channels, e);
    }
    return aligner.lastAlignedEpoch();
  }

  @TearDown(Level.Trial)
  public void check() {
    if (controller.alignedEpochs != epoch + 1 || aligner.lastAlignedEpoch() != epoch) {
      throw new IllegalStateException(
          "ran " + (epoch + 1) + " epochs but " + controller.alignedEpochs + " were aligned");
    }
    for (boolean b : controller.blocked) {
      if (b) {
        throw new IllegalStateException("a channel is still blocked after the last aligned epoch");
      }
    }
  }

  /** As InputGate's controller without the channels' queues: one flag per channel. */
  static final class FlagController implements AlignmentController {
    final boolean[] blocked;
    long alignedEpochs;

    FlagController(int channels) {
      blocked = new boolean[channels];
    }

    @Override
    public int numChannels() {
      return blocked.length;
    }

    @Override
    public boolean isFinished(int channel) {
      return false;
    }

    @Override
    public void blockChannel(int channel) {
      if (blocked[channel]) {
        throw new IllegalStateException("channel " + channel + " blocked twice");
      }
      blocked[channel] = true;
    }

    @Override
    public void unblockAllChannels() {
      for (int i = 0; i < blocked.length; i++) {
        blocked[i] = false;
      }
    }

    @Override
    public void epochAligned(long epochId) {
      alignedEpochs++;
    }

    @Override
    public String describeChannel(int channel) {
      return "channel " + channel;
    }
  }
}
