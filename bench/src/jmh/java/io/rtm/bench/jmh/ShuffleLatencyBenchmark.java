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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-record latency of the pipelined shuffle at a low rate: one record in flight at a time, from
 * a map task's {@link ResultPartition#emitRecord} (the benchmark thread) until a reduce task's
 * {@link InputGate#next()} (a second thread) has returned that record, over a real 127.0.0.1
 * socket. Each operation emits one record and waits for the consumer to count it, so the sample
 * is the whole path a lone record takes: batching in the subpartition, the flusher firing after
 * {@code spark.rtm.shuffle.maxFlushDelayMicros} (nothing else fills the buffer at this rate), the
 * Netty write and read, the gate's queue and the consumer thread's wake-up.
 *
 * <p>That is the case where the flush delay is the dominant cost; under load buffers fill and are
 * sent before the delay expires (see {@link ShuffleThroughputBenchmark}). {@code flushDelay=default}
 * takes the option's default; {@code 0} sends each record at once and shows the floor of the
 * transport itself. The waiting side yields instead of parking so that its own wake-up is not
 * measured, and does not busy-spin a core the event loops need on a small machine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dio.netty.tryReflectionSetAccessible=true"})
public class ShuffleLatencyBenchmark {

  /** {@code default}: spark.rtm.shuffle.maxFlushDelayMicros left unset; otherwise microseconds. */
  @Param({"default", "0"})
  public String flushDelay;

  @Param({"200"})
  public int recordBytes;

  /** {@code false}: over a 127.0.0.1 socket; {@code true}: the in-JVM local channel. */
  @Param({"false", "true"})
  public boolean localChannels;

  private LoopbackShuffle shuffle;
  private volatile long received;
  private byte[] record;

  @Setup(Level.Trial)
  public void connect() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put(RtmOptions.SHUFFLE_LOCAL_CHANNELS_ENABLED.key(), Boolean.toString(localChannels));
    if (!flushDelay.equals("default")) {
      settings.put(RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS.key(), flushDelay);
    }
    shuffle = new LoopbackShuffle(ShuffleTransportConf.fromMap(settings), "jmh-latency", (array, offset, length, count) -> {
      if (length != recordBytes) {
        throw new IllegalStateException("record of " + length + " bytes, sent " + recordBytes);
      }
      received = count;
    });
    record = LoopbackShuffle.record(recordBytes);
  }

  @Benchmark
  public long emitAndAwait() throws InterruptedException {
    long target = shuffle.emit(record);
    while (received < target) {
      if (shuffle.consumerDone()) {
        // The consumer failed: surface its exception instead of waiting forever.
        shuffle.rethrowConsumerFailure();
        throw new IllegalStateException("consumer ended after " + received + " of " + target + " records");
      }
      Thread.yield();
    }
    return target;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    shuffle.close();
  }
}
