package io.rtm.bench.harness;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumes an output topic from the beginning on a background thread and records, for each
 * record, arrival time and end-to-end latency (arrival minus {@link SendTime}), plus the first
 * {@code maxValues} values as strings for correctness checks.
 *
 * <p>Assigns all partitions itself instead of joining a group: no rebalance delay, and the
 * recorder never commits offsets that could interfere with the query under test.
 *
 * <pre>{@code
 * try (LatencyRecorder recorder = new LatencyRecorder(bootstrap, "out").start()) {
 *   ... run the load ...
 *   LatencySummary steady = recorder.summary(Duration.ofSeconds(10), Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class LatencyRecorder implements AutoCloseable {
  private final String bootstrap;
  private final String topic;
  private String isolationLevel = "read_uncommitted";
  private int maxValues = 100_000;
  private LatencySamples samples;
  private int sampleCapacity = 4_000_000;
  private final List<String> values = new ArrayList<>();
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong withoutSendTime = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running;
  private long trackIdsBelow;
  private java.util.BitSet seenIds;
  private final AtomicLong duplicateIds = new AtomicLong();
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  public LatencyRecorder(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  /** {@code read_committed} to see only committed transactional output. Before {@link #start}. */
  public LatencyRecorder isolationLevel(String level) {
    this.isolationLevel = level;
    return this;
  }

  /** The isolation level the consumer reads with. */
  public String isolationLevel() {
    return isolationLevel;
  }

  /** How many values to keep for {@link #values()}; later ones are only counted. */
  public LatencyRecorder maxValues(int max) {
    this.maxValues = max;
    return this;
  }

  /**
   * Remembers which {@code event_id}s below {@code bound} arrived (one bit each), for
   * {@link #distinctIds()} and {@link #duplicateIds()}. Before {@link #start}.
   */
  public LatencyRecorder trackEventIds(long bound) {
    this.trackIdsBelow = bound;
    this.seenIds = new java.util.BitSet((int) Math.min(Integer.MAX_VALUE, bound));
    return this;
  }

  /** Distinct tracked event ids received so far. */
  public long distinctIds() {
    synchronized (seenIds) {
      return seenIds.cardinality();
    }
  }

  /** Whether tracked event id {@code id} was received. */
  public boolean receivedId(long id) {
    synchronized (seenIds) {
      return seenIds.get((int) id);
    }
  }

  /** Tracked event ids received more than once. */
  public long duplicateIds() {
    return duplicateIds.get();
  }

  /** How many latency samples to keep (8 bytes each); later ones are only counted. */
  public LatencyRecorder sampleCapacity(int capacity) {
    this.sampleCapacity = capacity;
    return this;
  }

  public synchronized LatencyRecorder start() {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    samples = new LatencySamples(sampleCapacity);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(props);
    running = true;
    thread = new Thread(this::consume, "latency-recorder-" + topic);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Records consumed so far. */
  public long count() {
    rethrowFailure();
    return count.get();
  }

  /** Records in which no send time was found (not in {@link #samples()}). */
  public long withoutSendTime() {
    return withoutSendTime.get();
  }

  /** A copy of the values kept so far, in consumption order (per partition: offset order). */
  public List<String> values() {
    rethrowFailure();
    synchronized (values) {
      return new ArrayList<>(values);
    }
  }

  public LatencySamples samples() {
    return samples;
  }

  /** Latency over all records so far. */
  public LatencySummary summary() {
    rethrowFailure();
    return samples.summary();
  }

  /** Latency over a window of arrival times; see {@link LatencySamples#summary(Duration, Duration)}. */
  public LatencySummary summary(Duration warmup, Duration window) {
    rethrowFailure();
    return samples.summary(warmup, window);
  }

  @Override
  public synchronized void close() {
    running = false;
    if (thread != null) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      thread = null;
    }
  }

  private void consume() {
    try (KafkaConsumer<byte[], byte[]> c = consumer) {
      List<TopicPartition> partitions = awaitPartitions(c);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      while (running) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(100));
        if (!records.isEmpty()) {
          record(records);
        }
      }
    } catch (WakeupException e) {
      // close() ends the poll.
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
    // The query may create its output topic after the recorder starts.
    while (running) {
      List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
    }
    throw new WakeupException();
  }

  private void record(ConsumerRecords<byte[], byte[]> records) {
    // One arrival time per poll: every record in it reached this consumer at that moment.
    long arrivalUs = WallClock.epochMicros();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
      long sendUs = SendTime.of(record.headers(), value);
      if (sendUs == SendTime.UNKNOWN) {
        withoutSendTime.incrementAndGet();
      } else {
        samples.add(arrivalUs, arrivalUs - sendUs);
      }
      if (seenIds != null && value != null) {
        long id = eventId(value);
        if (id >= 0 && id < trackIdsBelow) {
          synchronized (seenIds) {
            if (seenIds.get((int) id)) {
              duplicateIds.incrementAndGet();
            } else {
              seenIds.set((int) id);
            }
          }
        }
      }
      synchronized (values) {
        if (values.size() < maxValues) {
          values.add(value);
        }
      }
      count.incrementAndGet();
    }
  }

  /** The {@code "event_id":N} field of a JSON value, or -1. */
  static long eventId(String json) {
    int at = json.indexOf("\"event_id\":");
    if (at < 0) {
      return -1;
    }
    int i = at + "\"event_id\":".length();
    long id = 0;
    int digits = 0;
    for (; i < json.length() && Character.isDigit(json.charAt(i)); i++, digits++) {
      id = id * 10 + (json.charAt(i) - '0');
    }
    return digits == 0 ? -1 : id;
  }

  private void rethrowFailure() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("latency recorder for " + topic + " failed", t);
    }
  }

  /**
   * Out-of-process use: consumes for {@code --duration-s} (or until {@code --until-count}
   * records), then prints a JSON summary of the window after {@code --warmup-s}.
   *
   * <pre>--bootstrap HOST:PORT --topic T [--duration-s 60] [--warmup-s 0] [--window-s all]
   * [--until-count N] [--isolation-level read_uncommitted] [--capacity 4000000]</pre>
   */
  public static void main(String[] argv) throws InterruptedException {
    Args args = new Args(argv);
    Duration warmup = Duration.ofMillis((long) (args.doubleValue("warmup-s", 0) * 1000));
    Duration window =
        args.has("window-s") ? Duration.ofMillis((long) (args.doubleValue("window-s", 0) * 1000)) : null;
    long untilCount = args.longValue("until-count", Long.MAX_VALUE);
    long deadline = System.nanoTime() + (long) (args.doubleValue("duration-s", 60) * 1e9);
    try (LatencyRecorder recorder =
        new LatencyRecorder(args.required("bootstrap"), args.required("topic"))
            .isolationLevel(args.value("isolation-level", "read_uncommitted"))
            .sampleCapacity(args.intValue("capacity", 4_000_000))
            .maxValues(0)
            .start()) {
      while (System.nanoTime() - deadline < 0 && recorder.count() < untilCount) {
        Thread.sleep(50);
      }
      LatencySummary summary = recorder.summary(warmup, window);
      String json = summary.toJson();
      System.out.println(
          "{\"records\":" + recorder.count()
              + ",\"without_send_time\":" + recorder.withoutSendTime()
              + ",\"latency\":" + json + "}");
    }
  }
}
