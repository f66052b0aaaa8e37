package io.rtm.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for tests: a synchronous producer and a background output collector. */
final class KafkaTopics {
  private KafkaTopics() {}

  /** A produced input record and where it landed, to reason about committed offsets later. */
  record Sent(long eventId, int partition, long offset, long sentAtMs) {}

  static final class Producer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;

    Producer(String bootstrap) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      producer = new KafkaProducer<>(p);
    }

    Sent send(String topic, long eventId, String account, double amount, String merchant) {
      return sendJson(topic, eventId, account, Events.json(eventId, account, amount, merchant));
    }

    /** An event with an explicit event time (ISO-8601), for event-time tests. */
    Sent sendAt(String topic, long eventId, String account, double amount, String isoTime) {
      String json = String.format(java.util.Locale.ROOT,
          "{\"event_id\":%d,\"account_id\":\"%s\",\"amount\":%.1f,\"merchant\":\"m\",\"ts\":\"%s\"}",
          eventId, account, amount, isoTime);
      return sendJson(topic, eventId, account, json);
    }

    /**
     * Like {@link #sendAt} without waiting for the broker per record (the producer keeps each
     * partition's order); {@link #flush} waits for all of them.
     */
    void sendAtNoWait(String topic, long eventId, String account, double amount, String isoTime) {
      String json = String.format(java.util.Locale.ROOT,
          "{\"event_id\":%d,\"account_id\":\"%s\",\"amount\":%.1f,\"merchant\":\"m\",\"ts\":\"%s\"}",
          eventId, account, amount, isoTime);
      producer.send(new ProducerRecord<>(topic, account, json));
    }

    void flush() {
      producer.flush();
    }

    private Sent sendJson(String topic, long eventId, String account, String json) {
      try {
        long now = System.currentTimeMillis();
        RecordMetadata m = producer.send(new ProducerRecord<>(topic, account, json)).get();
        return new Sent(eventId, m.partition(), m.offset(), now);
      } catch (InterruptedException | ExecutionException e) {
        throw new IllegalStateException("producing to " + topic + " failed", e);
      }
    }

    /** Events 'from' until 'from + n - 1', accounts and amounts derived from the id. */
    List<Sent> sendRange(String topic, long from, int n) {
      List<Sent> sent = new ArrayList<>(n);
      for (long id = from; id < from + n; id++) {
        sent.add(send(topic, id, Events.account(id), Events.amount(id), Events.merchant(id)));
      }
      return sent;
    }

    @Override
    public void close() {
      producer.close();
    }
  }

  /** Reads a topic from the beginning on its own thread and keeps every value with its arrival time. */
  static final class Collector implements AutoCloseable {
    record Received(String value, long arrivedAtMs) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Collector(String bootstrap, String topic) {
      this(bootstrap, topic, false);
    }

    /** @param readCommitted read with isolation.level=read_committed (transactional output) */
    Collector(String bootstrap, String topic, boolean readCommitted) {
      Properties p = new Properties();
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-collector-" + topic + "-" + System.nanoTime());
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
      consumer.subscribe(List.of(topic));
      thread = new Thread(() -> {
        try (consumer) {
          while (running) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
              received.add(new Received(r.value(), System.currentTimeMillis()));
            }
          }
        }
      }, "it-collector-" + topic);
      thread.setDaemon(true);
      thread.start();
    }

    List<Received> received() {
      return List.copyOf(received);
    }

    List<String> values() {
      return received.stream().map(Received::value).toList();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }
  }
}
