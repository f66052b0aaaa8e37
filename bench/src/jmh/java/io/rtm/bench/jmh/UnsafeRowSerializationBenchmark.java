package io.rtm.bench.jmh;

import io.rtm.bench.query.Pipelines;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-row work on both ends of the shuffle, as rtm-operators does it: a map task turns an
 * operator's output row into UnsafeRow bytes and copies them into a send buffer ({@code
 * ShuffleEpochOutput}); a reduce task points a reused UnsafeRow at the received bytes and the next
 * operator reads its fields ({@code ShuffleEpochInput}). The row is a projected benchmark event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class UnsafeRowSerializationBenchmark {
  /** The benchmark events' schema, as the queries parse it. */
  private static final StructType EVENT = Pipelines.EVENT;

  private UnsafeProjection toUnsafe;
  private GenericInternalRow row;
  private byte[] buffer;
  private int size;
  private UnsafeRow received;

  @Setup
  public void setUp() {
    toUnsafe = UnsafeProjection.create(EVENT);
    row = new GenericInternalRow(new Object[] {
      42L, UTF8String.fromString("acct-7"), 431.07, UTF8String.fromString("BLUE BOTTLE COFFEE"),
      1_732_397_531_123_456L, 1_732_397_531_123_456_000L
    });
    buffer = new byte[1024];
    UnsafeRow bytes = toUnsafe.apply(row);
    size = bytes.getSizeInBytes();
    bytes.writeToMemory(buffer, Platform.BYTE_ARRAY_OFFSET);
    received = new UnsafeRow(EVENT.size());
  }

  /** Map side: generic row to UnsafeRow bytes in the send buffer. */
  @Benchmark
  public int serialize() {
    UnsafeRow unsafe = toUnsafe.apply(row);
    unsafe.writeToMemory(buffer, Platform.BYTE_ARRAY_OFFSET);
    return unsafe.getSizeInBytes();
  }

  /** Reduce side: no copy, a pointer to the received bytes, then every field read once. */
  @Benchmark
  public void deserializeAndRead(Blackhole bh) {
    received.pointTo(buffer, Platform.BYTE_ARRAY_OFFSET, size);
    bh.consume(received.getLong(0));
    bh.consume(received.getUTF8String(1));
    bh.consume(received.getDouble(2));
    bh.consume(received.getUTF8String(3));
    bh.consume(received.getLong(4));
    bh.consume(received.getLong(5));
  }
}
