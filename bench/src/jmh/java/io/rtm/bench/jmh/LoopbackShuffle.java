package io.rtm.bench.jmh;

import io.rtm.shuffle.GateResult;
import io.rtm.shuffle.InputGate;
import io.rtm.shuffle.PartitionId;
import io.rtm.shuffle.ProducerAddress;
import io.rtm.shuffle.ResultPartition;
import io.rtm.shuffle.ShuffleServer;
import io.rtm.shuffle.ShuffleTransportConf;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One map task to one reduce task through the pipelined shuffle over a real 127.0.0.1 socket, for
 * the shuffle benchmarks: the caller's thread produces ({@link #emit}), a second thread consumes
 * through an {@link InputGate} and hands every record to a {@link RecordVisitor}. {@link #close}
 * ends the input and fails when the consumer did not get every record emitted.
 */
final class LoopbackShuffle implements AutoCloseable {
  /** Sees each record the consumer receives; {@code count} is the records received so far. */
  interface RecordVisitor {
    void record(byte[] array, int offset, int length, long count);
  }

  private final ShuffleServer server;
  private final ResultPartition partition;
  private final CompletableFuture<Long> consumed;
  private long emitted;

  LoopbackShuffle(ShuffleTransportConf conf, String runPrefix, RecordVisitor visitor) throws Exception {
    String run = runPrefix + "-" + UUID.randomUUID();
    server = ShuffleServer.start(conf, "127.0.0.1");
    partition = server.registerPartition(new PartitionId(run, 0, 0), 1);
    List<ProducerAddress> producers = List.of(new ProducerAddress(0, server.host(), server.port()));
    consumed = CompletableFuture.supplyAsync(() -> consume(conf, run, producers, visitor));
  }

  /** A record of {@code bytes} bytes with varied content. */
  static byte[] record(int bytes) {
    byte[] record = new byte[bytes];
    for (int i = 0; i < record.length; i++) {
      record[i] = (byte) i;
    }
    return record;
  }

  /** Emits one record; blocks while the consumer has granted no credit. Returns records emitted. */
  long emit(byte[] record) throws InterruptedException {
    partition.emitRecord(0, record, 0, record.length);
    return ++emitted;
  }

  /** Whether the consumer stopped (it failed, or the input ended). */
  boolean consumerDone() {
    return consumed.isDone();
  }

  /** Throws the consumer's failure, if it failed. */
  void rethrowConsumerFailure() {
    consumed.join();
  }

  @Override
  public void close() throws Exception {
    partition.close();
    long received = consumed.get(60, TimeUnit.SECONDS);
    server.close();
    if (received != emitted) {
      throw new IllegalStateException("emitted " + emitted + " records but the consumer got " + received);
    }
  }

  private static long consume(ShuffleTransportConf conf, String run, List<ProducerAddress> producers,
      RecordVisitor visitor) {
    try (InputGate gate = InputGate.connect(conf, run, 0, 0, producers)) {
      long records = 0;
      GateResult result;
      while ((result = gate.next()) != GateResult.END_OF_INPUT) {
        if (result == GateResult.RECORD) {
          visitor.record(gate.recordArray(), gate.recordOffset(), gate.recordLength(), ++records);
        }
      }
      return records;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
