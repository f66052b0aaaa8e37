package io.rtm.bench.jmh;

import io.rtm.config.RtmOptions;
import io.rtm.shuffle.ShuffleTransportConf;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second from one map task to one reduce task through the pipelined shuffle over a
 * real 127.0.0.1 socket: the benchmark thread is the producer ({@link ResultPartition}), a second
 * thread the consumer ({@link InputGate}). The producer blocks when credit runs out, so the score
 * is the end-to-end rate the consumer keeps up with, not the rate of filling a queue.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dio.netty.tryReflectionSetAccessible=true"})
public class ShuffleThroughputBenchmark {
  private static final int RECORDS_PER_CALL = 1_000;

  /** About the size of the UnsafeRow of a projected benchmark event. */
  @Param({"64", "200"})
  public int recordBytes;

  @Param({"32768"})
  public int bufferSizeBytes;

  /** {@code false}: over a 127.0.0.1 socket; {@code true}: the in-JVM local channel. */
  @Param({"false", "true"})
  public boolean localChannels;

  private LoopbackShuffle shuffle;
  private byte[] record;
  /** Written by the consumer thread only: its reads of the bytes cannot be optimised away. */
  private long checksum;

  @Setup(Level.Trial)
  public void connect() throws Exception {
    ShuffleTransportConf conf = ShuffleTransportConf.fromMap(
        Map.of(
            RtmOptions.SHUFFLE_BUFFER_SIZE_BYTES.key(), Integer.toString(bufferSizeBytes),
            RtmOptions.SHUFFLE_LOCAL_CHANNELS_ENABLED.key(), Boolean.toString(localChannels)));
    // Touch the bytes, as a reduce task's UnsafeRow.pointTo and field reads would.
    shuffle = new LoopbackShuffle(conf, "jmh", (array, offset, length, count) -> checksum += array[offset + length - 1]);
    record = LoopbackShuffle.record(recordBytes);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS_PER_CALL)
  public void emit() throws InterruptedException {
    for (int i = 0; i < RECORDS_PER_CALL; i++) {
      shuffle.emit(record);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    shuffle.close();
  }
}
