package io.rtm.shuffle;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
 * The reduce side's per-record cost in {@link InputGate#next()} with {@code channels} producers,
 * without a socket: buffers are handed to the gate the way the event loop does
 * ({@link InputGate#enqueue}) on the benchmark thread, then read back. The score is nanoseconds
 * per record.
 *
 * <ul>
 *   <li>{@code records}: no barrier pending, the steady state between epochs: record framing,
 *       one lock round trip and round-robin channel pick per buffer, the blocked-channel check.
 *   <li>{@code recordsThenEpoch}: the same records, then every channel's barrier of the next
 *       epoch, read until {@link GateResult#EPOCH_END}: the gate's alignment (blocking channels,
 *       the aligner, unblocking) amortised over the {@value #RECORDS} records of one epoch. The
 *       difference to {@code records} is the alignment's cost in place; one epoch per 100 ms at
 *       this size would be a rate of about 20k records/s.
 * </ul>
 *
 * Credits are returned into the unconnected channels' counters only, so the event-loop side of
 * a real socket (see ShuffleThroughputBenchmark) is not part of this number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Dio.netty.tryReflectionSetAccessible=true"})
public class GateRecordPathBenchmark {
  private static final int BUFFERS = 32;
  private static final int RECORDS_PER_BUFFER = 64;
  static final int RECORDS = BUFFERS * RECORDS_PER_BUFFER;

  @Param({"2", "8", "32"})
  public int channels;

  @Param({"200"})
  public int recordBytes;

  private InputGate gate;
  private ByteBuf buffer;
  private long epoch = -1;

  @Setup(Level.Trial)
  public void create() {
    List<ProducerAddress> producers = new ArrayList<>();
    for (int i = 0; i < channels; i++) {
      producers.add(new ProducerAddress(i, "127.0.0.1", 1));
    }
    gate = new InputGate(ShuffleTransportConf.fromMap(java.util.Map.of()), "jmh-gate", 0, 0, producers);
    // The framing ResultSubpartition writes: a 4-byte big-endian length before each record.
    ByteBuffer b = ByteBuffer.allocate(RECORDS_PER_BUFFER * (4 + recordBytes));
    for (int r = 0; r < RECORDS_PER_BUFFER; r++) {
      b.putInt(recordBytes);
      for (int i = 0; i < recordBytes; i++) {
        b.put((byte) i);
      }
    }
    buffer = Unpooled.wrappedBuffer(b.array());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long records() throws InterruptedException {
    enqueueData();
    return readRecords();
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long recordsThenEpoch() throws InterruptedException {
    enqueueData();
    EpochBarrier barrier = new EpochBarrier(++epoch);
    for (int c = 0; c < channels; c++) {
      gate.enqueue(gate.remoteChannel(c), barrier);
    }
    long sum = readRecords();
    GateResult end = gate.next();
    if (end != GateResult.EPOCH_END || gate.lastAlignedEpoch() != epoch) {
      throw new IllegalStateException("expected the end of epoch " + epoch + ", got " + end);
    }
    return sum;
  }

  @TearDown(Level.Trial)
  public void close() {
    gate.close();
    buffer.release();
  }

  private void enqueueData() {
    for (int i = 0; i < BUFFERS; i++) {
      // Each received buffer is released by the gate once read; duplicates share the bytes.
      gate.enqueue(gate.remoteChannel(i % channels), buffer.retainedDuplicate());
    }
  }

  private long readRecords() throws InterruptedException {
    long sum = 0;
    for (int i = 0; i < RECORDS; i++) {
      GateResult r = gate.next();
      if (r != GateResult.RECORD) {
        throw new IllegalStateException("record " + i + " of " + RECORDS + ": got " + r);
      }
      sum += gate.recordArray()[gate.recordOffset() + gate.recordLength() - 1];
    }
    return sum;
  }
}
