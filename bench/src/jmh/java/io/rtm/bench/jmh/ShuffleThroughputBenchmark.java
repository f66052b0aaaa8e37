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

  private ShuffleServer server;
  private ResultPartition partition;
  private CompletableFuture<Long> consumed;
  private byte[] record;
  private long emitted;

  @Setup(Level.Trial)
  public void connect() throws Exception {
    ShuffleTransportConf conf = ShuffleTransportConf.fromMap(
        Map.of(RtmOptions.SHUFFLE_BUFFER_SIZE_BYTES.key(), Integer.toString(bufferSizeBytes)));
    String run = "jmh-" + UUID.randomUUID();
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
  @OperationsPerInvocation(RECORDS_PER_CALL)
  public void emit() throws InterruptedException {
    for (int i = 0; i < RECORDS_PER_CALL; i++) {
      partition.emitRecord(0, record, 0, record.length);
    }
    emitted += RECORDS_PER_CALL;
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    partition.close();
    long received = consumed.get(60, TimeUnit.SECONDS);
    server.close();
    if (received != emitted) {
      throw new IllegalStateException("emitted " + emitted + " records but the consumer got " + received);
    }
  }

  private static long consume(ShuffleTransportConf conf, String run, List<ProducerAddress> producers) {
    try (InputGate gate = InputGate.connect(conf, run, 0, 0, producers)) {
      long records = 0;
      long checksum = 0;
      GateResult result;
      while ((result = gate.next()) != GateResult.END_OF_INPUT) {
        if (result == GateResult.RECORD) {
          records++;
          // Touch the bytes, as a reduce task's UnsafeRow.pointTo and field reads would.
          checksum += gate.recordArray()[gate.recordOffset() + gate.recordLength() - 1];
        }
      }
      return checksum == Long.MIN_VALUE ? -1 : records;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
