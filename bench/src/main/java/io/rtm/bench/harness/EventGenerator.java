package io.rtm.bench.harness;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces {@link EventFactory} events to a topic, keyed by account, either paced at a fixed rate
 * ({@link #runFor}, {@link #startAsync}) or as fast as possible ({@link #sendBatch}).
 *
 * <p>Every record carries its send time as epoch microseconds in header {@value #SEND_US_HEADER}
 * (8 bytes, big-endian), as its CreateTime (milliseconds) and as {@code send_ns} in the value, so
 * a {@link LatencyRecorder} can measure end-to-end latency whichever one the query preserves.
 *
 * <p>Event ids count up from {@link #firstEventId} and never repeat within one generator; give
 * concurrent generators disjoint ranges.
 */
public final class EventGenerator implements AutoCloseable {
  public static final String SEND_US_HEADER = "send_us";
  /** Event time of event 0 in {@link #sendBatch}: fixed so batch content is reproducible. */
  public static final Instant DEFAULT_BATCH_ORIGIN = Instant.parse("2024-01-01T00:00:00Z");

  private static final long FOREVER_NANOS = Long.MAX_VALUE / 4;

  private final String topic;
  private final int ratePerSec;
  private final EventFactory events;
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private long[] sendMicros = new long[0];
  private Instant batchOrigin = DEFAULT_BATCH_ORIGIN;
  private Duration batchStep = Duration.ofMillis(1);
  private volatile boolean running;
  /** Set by {@link #stop()}: a {@code runFor} that has not begun yet must not begin. */
  private volatile boolean stopped;
  private Thread asyncThread;

  public EventGenerator(String bootstrap, String topic, int ratePerSec, int accounts, long seed) {
    this(bootstrap, topic, ratePerSec, accounts, seed, Map.of());
  }

  /** {@code producerOverrides} replace the defaults below (e.g. to try {@code acks=all}). */
  public EventGenerator(
      String bootstrap,
      String topic,
      int ratePerSec,
      int accounts,
      long seed,
      Map<String, Object> producerOverrides) {
    this.topic = topic;
    this.ratePerSec = ratePerSec;
    this.events = new EventFactory(seed, accounts);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // acks=1 is incompatible with idempotence; say so rather than rely on the silent downgrade.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.putAll(producerOverrides);
    this.producer = new KafkaProducer<>(props);
  }

  /** The id of the next event; set before sending to give this generator its own id range. */
  public EventGenerator firstEventId(long id) {
    nextId.set(id);
    return this;
  }

  /** Event time of event {@code id} in {@link #sendBatch} is {@code origin + id * step}. */
  public EventGenerator batchEventTime(Instant origin, Duration step) {
    this.batchOrigin = origin;
    this.batchStep = step;
    return this;
  }

  public EventFactory events() {
    return events;
  }

  /**
   * Remembers the send time (= event time of a paced event) of events 0 .. n-1, for a check that
   * needs to know which event-time window each event fell into. Before sending.
   */
  public EventGenerator recordSendTimes(int n) {
    this.sendMicros = new long[n];
    return this;
  }

  /** Epoch microseconds at which event {@code id} (below {@link #recordSendTimes}'s n) was sent. */
  public long sendMicros(long id) {
    return sendMicros[(int) id];
  }

  /** Sends at the configured rate for {@code duration}, event time = send time; then flushes. */
  public void runFor(Duration duration) {
    runFor(duration, ratePerSec);
  }

  /**
   * Sends at {@code rate} for {@code duration}, continuing this generator's ids: a rate search
   * calls it once per step on one generator, so the query sees one stream at stepped rates.
   */
  public void runFor(Duration duration, int rate) {
    if (!beginRun()) {
      return;
    }
    try {
      paced(System.nanoTime() + duration.toNanos(), rate);
    } finally {
      running = false;
      producer.flush();
    }
  }

  /**
   * Sends for {@code duration} in all, its first {@code ramp} at rising rates ({@link RampSteps})
   * and the rest at the configured rate; then flushes.
   */
  public void runFor(Duration duration, Duration ramp) {
    if (!beginRun()) {
      return;
    }
    try {
      rampThenPace(ramp, duration.minus(ramp).toNanos());
    } finally {
      running = false;
      producer.flush();
    }
  }

  /**
   * Lets a run send, unless {@link #stop()} came first. Raising {@code running} before reading
   * {@code stopped} (stop() writes them the other way round) closes the gap in which a stop between
   * a check and the start would be lost: either this sees {@code stopped}, or stop()'s clearing of
   * {@code running} comes after this raised it and ends the run's loop.
   */
  private boolean beginRun() {
    running = true;
    if (stopped) {
      running = false;
      return false;
    }
    return true;
  }

  /** Starts sending at the configured rate on a background thread until {@link #stop()}. */
  public void startAsync() {
    startAsync(Duration.ZERO);
  }

  /** Like {@link #startAsync()}, the first {@code ramp} at rising rates ({@link RampSteps}). */
  public synchronized void startAsync(Duration ramp) {
    if (asyncThread != null) {
      throw new IllegalStateException("already started");
    }
    running = true;
    asyncThread = new Thread(() -> rampThenPace(ramp, FOREVER_NANOS), "event-generator");
    asyncThread.setDaemon(true);
    asyncThread.start();
  }

  /** The ramp's steps, then {@code restNanos} at the configured rate; each step ends early on {@link #stop()}. */
  private void rampThenPace(Duration ramp, long restNanos) {
    for (RampSteps.Step step : RampSteps.of(ramp, ratePerSec)) {
      paced(System.nanoTime() + step.duration().toNanos(), step.rate());
    }
    paced(System.nanoTime() + restNanos, ratePerSec);
  }

  /** Stops an {@link #startAsync()} run and flushes what was sent. */
  public synchronized void stop() {
    stopped = true;
    running = false;
    if (asyncThread != null) {
      asyncThread.interrupt();
      try {
        asyncThread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      asyncThread = null;
    }
    producer.flush();
  }

  /**
   * Sends the next {@code n} events as fast as the producer takes them, with deterministic event
   * times, and waits until all are acknowledged.
   *
   * @throws IllegalStateException if any send failed
   */
  public void sendBatch(int n) {
    for (int i = 0; i < n; i++) {
      long id = nextId.getAndIncrement();
      send(id, batchOrigin.plus(batchStep.multipliedBy(id)));
    }
    producer.flush();
    Exception failure = firstFailure.get();
    if (failure != null) {
      throw new IllegalStateException(failed.get() + " sends failed", failure);
    }
  }

  /** Records handed to the producer. */
  public long sent() {
    return sent.get();
  }

  /** Records the broker acknowledged. */
  public long acked() {
    return acked.get();
  }

  public long failed() {
    return failed.get();
  }

  public int ratePerSec() {
    return ratePerSec;
  }

  @Override
  public void close() {
    stop();
    producer.close(Duration.ofSeconds(10));
  }

  private void paced(long deadlineNanos, int rate) {
    RatePacer pacer = new RatePacer(rate);
    try {
      while (running && pacer.awaitNext(deadlineNanos)) {
        send(nextId.getAndIncrement(), null);
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      // stop() interrupted a send blocked on a full buffer: the run is over.
    }
  }

  private void send(long id, Instant eventTime) {
    Instant now = Instant.now();
    long sendMicros = WallClock.toMicros(now);
    if (id >= 0 && id < this.sendMicros.length) {
      this.sendMicros[(int) id] = sendMicros;
    }
    byte[] value = events.json(id, eventTime != null ? eventTime : now, sendMicros * 1_000);
    RecordHeaders headers = new RecordHeaders();
    headers.add(new RecordHeader(SEND_US_HEADER, ByteBuffer.allocate(8).putLong(sendMicros).array()));
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, null, sendMicros / 1_000, events.accountId(id), value, headers);
    producer.send(
        record,
        (metadata, exception) -> {
          if (exception == null) {
            acked.incrementAndGet();
          } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
          }
        });
    sent.incrementAndGet();
  }

  /**
   * Out-of-process use, printing a JSON summary when done:
   *
   * <pre>--bootstrap HOST:PORT --topic T [--rate 1000] [--accounts 1000] [--seed 1]
   * [--first-id 0] (--duration-s 60 | --batch N)</pre>
   */
  public static void main(String[] argv) {
    Args args = new Args(argv);
    long started = System.nanoTime();
    try (EventGenerator generator =
        new EventGenerator(
            args.required("bootstrap"),
            args.required("topic"),
            args.intValue("rate", 1000),
            args.intValue("accounts", 1000),
            args.longValue("seed", 1))) {
      generator.firstEventId(args.longValue("first-id", 0));
      if (args.has("batch")) {
        generator.sendBatch(args.intValue("batch", 0));
      } else {
        generator.runFor(Duration.ofMillis((long) (args.doubleValue("duration-s", 60) * 1000)));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      System.out.printf(
          java.util.Locale.ROOT,
          "{\"sent\":%d,\"acked\":%d,\"failed\":%d,\"elapsed_s\":%.3f,\"rate_per_s\":%.1f}%n",
          generator.sent(),
          generator.acked(),
          generator.failed(),
          seconds,
          generator.sent() / seconds);
    }
  }
}
