package io.rtm.bench.jmh;

import io.rtm.config.RtmOptions;
import io.rtm.shuffle.GateResult;
import io.rtm.shuffle.InputGate;
import io.rtm.shuffle.PartitionId;
import io.rtm.shuffle.ProducerAddress;
import io.rtm.shuffle.ResultPartition;
import io.rtm.shuffle.ShuffleServer;
import io.rtm.shuffle.ShuffleTransportConf;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

  private ShuffleServer server;
  private ResultPartition partition;
  private CompletableFuture<Long> consumed;
  private volatile long received;
  private byte[] record;
  private long emitted;

  @Setup(Level.Trial)
  public void connect() throws Exception {
    Map<String, String> settings = flushDelay.equals("default")
        ? Map.of()
        : Map.of(RtmOptions.SHUFFLE_MAX_FLUSH_DELAY_MICROS.key(), flushDelay);
    ShuffleTransportConf conf = ShuffleTransportConf.fromMap(settings);
    String run = "jmh-latency-" + UUID.randomUUID();
    server = ShuffleServer.start(conf, "127.0.0.1");
    partition = server.registerPartition(new PartitionId(run, 0, 0), 1);
    List<ProducerAddress> producers = List.of(new ProducerAddress(0, server.host(), server.port()));
    consumed = CompletableFuture.supplyAsync(() -> consume(conf, run, producers));
    record = new byte[recordBytes];
    for (int i = 0; i < record.length; i++) {
      record[i] = (byte) i;
    }
  }

  @Benchmark
  public long emitAndAwait() throws InterruptedException {
    long target = ++emitted;
    partition.emitRecord(0, record, 0, record.length);
    while (received < target) {
      if (consumed.isDone()) {
        // The consumer failed: surface its exception instead of waiting forever.
        consumed.join();
        throw new IllegalStateException("consumer ended after " + received + " of " + target + " records");
      }
      Thread.yield();
    }
    return target;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    partition.close();
    long got = consumed.get(60, TimeUnit.SECONDS);
    server.close();
    if (got != emitted) {
      throw new IllegalStateException("emitted " + emitted + " records but the consumer got " + got);
    }
  }

  private long consume(ShuffleTransportConf conf, String run, List<ProducerAddress> producers) {
    try (InputGate gate = InputGate.connect(conf, run, 0, 0, producers)) {
      long records = 0;
      GateResult result;
      while ((result = gate.next()) != GateResult.END_OF_INPUT) {
        if (result == GateResult.RECORD) {
          if (gate.recordLength() != recordBytes) {
            throw new IllegalStateException("record of " + gate.recordLength() + " bytes, sent " + recordBytes);
          }
          received = ++records;
        }
      }
      return records;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
