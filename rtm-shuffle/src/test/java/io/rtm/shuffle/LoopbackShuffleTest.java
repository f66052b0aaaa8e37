package io.rtm.shuffle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Producers and consumers talking through the public API over real 127.0.0.1 sockets, with local
 * channels off; {@link InJvmShuffleTest} runs the same cases with them on.
 */
@ExtendWith(NettyLeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackShuffleTest {

  private static final String HOST = "127.0.0.1";
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private final String run = "run-" + UUID.randomUUID();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<ShuffleServer> servers = new ArrayList<>();
  private final List<InputGate> testThreadGates = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    testThreadGates.forEach(InputGate::close);
    servers.forEach(ShuffleServer::close);
  }

  /** Whether consumers read producers of this JVM without a socket. */
  boolean localChannels() {
    return false;
  }

  /** A conf with the given overrides (keys after "spark.rtm.shuffle.") and this class's path. */
  final ShuffleTransportConf conf(Object... keyValues) {
    Object[] all = java.util.Arrays.copyOf(keyValues, keyValues.length + 2);
    all[keyValues.length] = "localChannels.enabled";
    all[keyValues.length + 1] = localChannels();
    return TestSupport.conf(all);
  }

  /** TCP connections the servers of this test accepted and still hold. */
  final int openConnections() {
    return servers.stream().mapToInt(ShuffleServer::connectionCount).sum();
  }

  final ShuffleServer server(ShuffleTransportConf conf) {
    ShuffleServer s = ShuffleServer.start(conf, HOST);
    servers.add(s);
    return s;
  }

  private InputGate gate(ShuffleTransportConf conf, int subpartition, List<ProducerAddress> from)
      throws InterruptedException {
    InputGate g = InputGate.connect(conf, run, 0, subpartition, from);
    testThreadGates.add(g);
    return g;
  }

  private static ProducerAddress address(int mapIndex, ShuffleServer s) {
    return new ProducerAddress(mapIndex, s.host(), s.port());
  }

  private <T> Future<T> spawn(Callable<T> body) {
    return threads.submit(body);
  }

  /**
   * A producer that emits 32-byte records to subpartition 0 until the partition fails, then closes
   * it and returns the failure; {@code thread} receives the producer's thread.
   */
  private Future<Throwable> emitUntilFailure(ResultPartition partition, AtomicReference<Thread> thread) {
    return spawn(
        () -> {
          thread.set(Thread.currentThread());
          byte[] rec = new byte[32];
          try (partition) {
            while (true) {
              partition.emitRecord(0, rec, 0, rec.length);
            }
          } catch (ShuffleException | InterruptedException e) {
            return e;
          }
        });
  }

  private static Thread.State stateOf(AtomicReference<Thread> t) {
    Thread thread = t.get();
    return thread == null ? Thread.State.NEW : thread.getState();
  }

  // ---------------------------------------------------------------------------------------------

  /** A record carrying its producer, its index and its epoch, padded to a varying size. */
  private static byte[] record(int producer, long index, long epoch) {
    ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + (int) (index % 40));
    b.putInt(producer).putLong(index).putLong(epoch);
    return b.array();
  }

  private record ConsumerResult(long[] perProducer, long epochs, ShuffleMetrics metrics) {}

  @Test
  void twoByTwoExchangeDeliversEveryRecordOnceInOrderWithAlignedEpochs() throws Exception {
    ShuffleTransportConf conf =
        conf(
            "bufferSizeBytes", 2048, "creditsPerChannel", 4, "producerQueueBuffers", 4);
    int producers = 2;
    int reducers = 2;
    int recordsPerProducer = 100_000;
    int epochLength = 10_000;

    List<ProducerAddress> addresses = new ArrayList<>();
    List<ResultPartition> partitions = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      ShuffleServer s = server(conf);
      partitions.add(s.registerPartition(new PartitionId(run, 0, p), reducers));
      addresses.add(address(p, s));
    }

    List<Future<ConsumerResult>> consumers = new ArrayList<>();
    for (int r = 0; r < reducers; r++) {
      int reducer = r;
      consumers.add(
          spawn(
              () -> {
                try (InputGate g = InputGate.connect(conf, run, 0, reducer, addresses)) {
                  long[] next = new long[producers];
                  java.util.Arrays.fill(next, reducer);
                  long[] count = new long[producers];
                  long epochs = 0;
                  long watermark = Long.MIN_VALUE;
                  while (true) {
                    GateResult result = g.next();
                    if (result == GateResult.END_OF_INPUT) {
                      break;
                    }
                    if (result == GateResult.EPOCH_END) {
                      assertThat(g.lastAlignedEpoch()).isEqualTo(epochs);
                      epochs++;
                      continue;
                    }
                    ByteBuffer rec =
                        ByteBuffer.wrap(g.recordArray(), g.recordOffset(), g.recordLength());
                    int p = rec.getInt();
                    long index = rec.getLong();
                    long epoch = rec.getLong();
                    if (index != next[p] || epoch != epochs || rec.remaining() != index % 40) {
                      throw new AssertionError(
                          "reducer " + reducer + " got producer " + p + " record " + index
                              + " of epoch " + epoch + " but expected record " + next[p]
                              + " of epoch " + epochs);
                    }
                    next[p] += reducers;
                    count[p]++;
                    assertThat(g.currentWatermarkMs()).isGreaterThanOrEqualTo(watermark);
                    watermark = g.currentWatermarkMs();
                  }
                  return new ConsumerResult(count, epochs, g.metrics());
                }
              }));
    }

    List<Future<ShuffleMetrics>> producerRuns = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      ResultPartition partition = partitions.get(p);
      producerRuns.add(
          spawn(
              () -> {
                try (partition) {
                  for (long i = 0; i < recordsPerProducer; i++) {
                    long epoch = i / epochLength;
                    byte[] rec = record(producer, i, epoch);
                    partition.emitRecord((int) (i % reducers), rec, 0, rec.length);
                    if ((i + 1) % epochLength == 0) {
                      partition.broadcastEvent(new EpochBarrier(epoch));
                      partition.broadcastEvent(new WatermarkAdvance(i));
                    }
                  }
                }
                return partition.metrics();
              }));
    }

    for (Future<ShuffleMetrics> f : producerRuns) {
      ShuffleMetrics m = f.get(20, TimeUnit.SECONDS);
      assertThat(m.records()).isEqualTo(recordsPerProducer);
      assertThat(m.peakQueuedBuffers()).isLessThanOrEqualTo(4);
    }
    for (Future<ConsumerResult> f : consumers) {
      ConsumerResult result = f.get(20, TimeUnit.SECONDS);
      assertThat(result.perProducer()).containsOnly(recordsPerProducer / reducers);
      assertThat(result.epochs()).isEqualTo(recordsPerProducer / epochLength);
      assertThat(result.metrics().peakQueuedBuffers()).isLessThanOrEqualTo(4);
      assertThat(result.metrics().records()).isEqualTo((long) recordsPerProducer);
    }
    await()
        .atMost(GENEROUS)
        .untilAsserted(() -> servers.forEach(s -> assertThat(s.partitionCount()).isZero()));
  }

  @Test
  void slowConsumerBackpressuresTheProducerWithinBoundedMemory() throws Exception {
    ShuffleTransportConf conf =
        conf("bufferSizeBytes", 256, "creditsPerChannel", 2, "producerQueueBuffers", 4);
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    InputGate g = gate(conf, 0, List.of(address(0, s)));
    byte[] rec = new byte[100];
    int total = 2_000;

    AtomicReference<Thread> producerThread = new AtomicReference<>();
    Future<?> producer =
        spawn(
            () -> {
              producerThread.set(Thread.currentThread());
              try (partition) {
                for (int i = 0; i < total; i++) {
                  partition.emitRecord(0, rec, 0, rec.length);
                }
              }
              return null;
            });

    // The consumer reads nothing: its credit runs out, the producer queue fills, emit blocks.
    await()
        .atMost(GENEROUS)
        .until(
            () ->
                stateOf(producerThread) == Thread.State.WAITING
                    && partition.metrics().queuedBuffers() == 4
                    && g.metrics().queuedBuffers() == 2);
    assertThat(producer).isNotDone();

    int received = 0;
    while (g.next() == GateResult.RECORD) {
      received++;
    }
    producer.get(10, TimeUnit.SECONDS);

    assertThat(received).isEqualTo(total);
    ShuffleMetrics produced = partition.metrics();
    assertThat(produced.blockedNanos()).isPositive();
    assertThat(produced.peakQueuedBuffers()).isLessThanOrEqualTo(4);
    assertThat(g.metrics().peakQueuedBuffers()).isLessThanOrEqualTo(2);
  }

  @Test
  void aConsumerReachesAProducerOfItsOwnJvmOverTcpOnlyWithoutLocalChannels() throws Exception {
    ShuffleTransportConf conf = conf();
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    InputGate g = gate(conf, 0, List.of(address(0, s)));
    partition.emitRecord(0, "one".getBytes(), 0, 3);
    partition.flushAll();

    assertThat(g.next()).isEqualTo(GateResult.RECORD);
    assertThat(new String(TestSupport.copyRecord(g))).isEqualTo("one");
    assertThat(openConnections()).isEqualTo(localChannels() ? 0 : 1);
    partition.close();
    assertThat(g.next()).isEqualTo(GateResult.END_OF_INPUT);
  }

  @Test
  void singleIdleRecordIsDeliveredPromptly() throws Exception {
    ShuffleTransportConf conf = conf();
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    CountDownLatch connected = new CountDownLatch(1);
    spawn(
        () -> {
          try (InputGate g = InputGate.connect(conf, run, 0, 0, List.of(address(0, s)))) {
            connected.countDown();
            while (g.next() == GateResult.RECORD) {
              received.add(TestSupport.copyRecord(g));
            }
          }
          return null;
        });
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();

    // No flush, no further records: only the flush timer can send it.
    partition.emitRecord(0, "ping".getBytes(), 0, 4);

    await().atMost(GENEROUS).until(() -> !received.isEmpty());
    assertThat(new String(received.poll())).isEqualTo("ping");
    partition.close();
  }

  @Test
  void killingAProducerServerFailsTheConsumerNamingThePeer() throws Exception {
    ShuffleTransportConf conf = conf("bufferSizeBytes", 512);
    ShuffleServer a = server(conf);
    ShuffleServer b = server(conf);
    ResultPartition pa = a.registerPartition(new PartitionId(run, 0, 0), 1);
    ResultPartition pb = b.registerPartition(new PartitionId(run, 0, 1), 1);
    List<Future<Throwable>> producers = new ArrayList<>();
    for (ResultPartition p : List.of(pa, pb)) {
      producers.add(emitUntilFailure(p, new AtomicReference<>()));
    }
    InputGate g = gate(conf, 0, List.of(address(0, a), address(1, b)));
    for (int i = 0; i < 1000; i++) {
      assertThat(g.next()).isEqualTo(GateResult.RECORD);
    }

    a.close();

    assertThatThrownBy(
            () -> {
              while (true) {
                g.next();
              }
            })
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("producer 127.0.0.1:" + a.port() + " (mapIndex 0)")
        .hasMessageContaining("subpartition 0");
    // The surviving producer learns that its consumer is gone, naming it and the subpartition.
    assertThat(producers.get(1).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("subpartition 0")
        .hasMessageContaining("gone before end of partition");
    assertThat(producers.get(0).get(10, TimeUnit.SECONDS)).isInstanceOf(ShuffleException.class);
  }

  @Test
  void interruptingABlockedNextThrowsInterruptedException() throws Exception {
    ShuffleTransportConf conf = conf();
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    AtomicReference<Thread> consumerThread = new AtomicReference<>();
    CountDownLatch connected = new CountDownLatch(1);
    Future<Throwable> consumer =
        spawn(
            () -> {
              try (InputGate g = InputGate.connect(conf, run, 0, 0, List.of(address(0, s)))) {
                consumerThread.set(Thread.currentThread());
                connected.countDown();
                g.next();
                return null;
              } catch (InterruptedException e) {
                return e;
              }
            });
    assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
    await().atMost(GENEROUS).until(() -> stateOf(consumerThread) == Thread.State.WAITING);

    consumerThread.get().interrupt();

    assertThat(consumer.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    partition.close();
  }

  @Test
  void consumerMaySubscribeBeforeTheProducerRegisters() throws Exception {
    ShuffleTransportConf conf = conf();
    ShuffleServer s = server(conf);
    InputGate g = gate(conf, 0, List.of(address(0, s)));

    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    for (int i = 0; i < 10; i++) {
      partition.emitRecord(0, new byte[] {(byte) i}, 0, 1);
    }
    partition.close();

    for (int i = 0; i < 10; i++) {
      assertThat(g.next()).isEqualTo(GateResult.RECORD);
      assertThat(g.recordArray()[g.recordOffset()]).isEqualTo((byte) i);
    }
    assertThat(g.next()).isEqualTo(GateResult.END_OF_INPUT);
  }

  @Test
  void aRecordsTrailerArrivesBigEndianRightAfterItsBytes() throws Exception {
    ShuffleTransportConf conf = conf();
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    InputGate g = gate(conf, 0, List.of(address(0, s)));
    byte[] row = {9, 8, 7, 6, 5};
    partition.emitRecord(0, row, 1, 3, 0x0102030405060708L);
    partition.emitRecord(0, row, 0, 1);
    partition.close();

    assertThat(g.next()).isEqualTo(GateResult.RECORD);
    assertThat(g.recordLength()).isEqualTo(3 + 8);
    ByteBuffer record = ByteBuffer.wrap(g.recordArray(), g.recordOffset(), g.recordLength());
    assertThat(new byte[] {record.get(), record.get(), record.get()}).containsExactly(8, 7, 6);
    assertThat(record.getLong()).isEqualTo(0x0102030405060708L);
    assertThat(g.next()).isEqualTo(GateResult.RECORD);
    assertThat(g.recordLength()).as("records without a trailer are unchanged").isEqualTo(1);
    assertThat(g.recordArray()[g.recordOffset()]).isEqualTo((byte) 9);
    assertThat(partition.metrics().recordBytes()).isEqualTo(3 + 8 + 1);
  }

  @Test
  void aConsumerThatClosesBeforeTheEndFailsItsBackpressuredProducerNamingTheSubpartition()
      throws Exception {
    ShuffleTransportConf conf =
        conf("bufferSizeBytes", 256, "creditsPerChannel", 1, "producerQueueBuffers", 1);
    ShuffleServer s = server(conf);
    ResultPartition partition = s.registerPartition(new PartitionId(run, 0, 0), 1);
    AtomicReference<Thread> producerThread = new AtomicReference<>();
    Future<Throwable> producer = emitUntilFailure(partition, producerThread);
    InputGate g = gate(conf, 0, List.of(address(0, s)));
    assertThat(g.next()).isEqualTo(GateResult.RECORD);
    // Credit and queue are one buffer each, so the producer soon waits for this consumer.
    await().atMost(GENEROUS).until(() -> stateOf(producerThread) == Thread.State.WAITING);

    g.close();

    assertThat(producer.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("subpartition 0")
        .hasMessageContaining("gone before end of partition");
  }

  @Test
  void subscriptionToAPartitionThatNeverAppearsFails() throws Exception {
    ShuffleTransportConf conf = conf("subscribeWaitMs", 200);
    ShuffleServer s = server(conf);
    InputGate g = gate(conf, 0, List.of(address(7, s)));

    assertThatThrownBy(g::next)
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("producer 127.0.0.1:" + s.port() + " (mapIndex 7)")
        .hasMessageContaining("was not registered");
  }

  @Test
  void unreachableProducerFailsTheConnectNamingThePeer() throws Exception {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    ShuffleTransportConf conf = conf("connectTimeoutMs", 300);

    assertThatThrownBy(
            () -> InputGate.connect(conf, run, 0, 2, List.of(new ProducerAddress(3, HOST, deadPort))))
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("Could not connect to shuffle producer 127.0.0.1:" + deadPort)
        .hasMessageContaining("mapIndex 3")
        .hasMessageContaining("subpartition 2")
        .hasMessageContaining("spark.rtm.shuffle.connectTimeoutMs");
  }

  @Test
  void producerFailureIsReportedEvenIfTheConsumerIsBlockedOnAnotherChannel()
      throws ExecutionException, InterruptedException {
    // Barrier alignment blocks channel 0 while channel 1 is silent; losing producer 1 must still
    // wake the consumer.
    ShuffleTransportConf conf = conf();
    ShuffleServer a = server(conf);
    ShuffleServer b = server(conf);
    ResultPartition pa = a.registerPartition(new PartitionId(run, 0, 0), 1);
    b.registerPartition(new PartitionId(run, 0, 1), 1);
    InputGate g = gate(conf, 0, List.of(address(0, a), address(1, b)));
    pa.broadcastEvent(new EpochBarrier(0));
    pa.emitRecord(0, new byte[] {1}, 0, 1);
    pa.flushAll();

    Future<Throwable> consumer =
        spawn(
            () -> {
              try {
                g.next();
                return null;
              } catch (ShuffleException e) {
                return e;
              }
            });
    await().atMost(GENEROUS).until(() -> g.metrics().queuedBuffers() == 1);
    b.close();

    assertThat(consumer.get())
        .isInstanceOf(ShuffleException.class)
        .hasMessageContaining("(mapIndex 1)");
    pa.close();
  }
}
