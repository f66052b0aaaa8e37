package io.rtm.bench.child;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor: one consumer and one producer in a loop, no Spark. It reads and writes with the
 * clients' defaults except {@code linger.ms=0}, as the Spark Kafka sink is configured here, so
 * the difference to a Spark mode is the engine, not the client settings.
 */
final class KafkaRelay implements ModeRun {
  private final ChildArgs args;
  private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private RelayTransform transform;
  private Thread thread;
  private volatile boolean running;

  KafkaRelay(ChildArgs args) {
    this.args = args;
  }

  @Override
  public void start() {
    transform = new RelayTransform(args.workload());
    consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap(),
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    // Assigned, not subscribed: like Spark's source, no group rebalance delays the start.
    List<TopicPartition> partitions = consumer.partitionsFor(args.inTopic(), Duration.ofSeconds(30))
        .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    running = true;
    thread = new Thread(this::relay, "kafka-relay");
    thread.start();
  }

  @Override
  public CompletableFuture<Throwable> failure() {
    return failure;
  }

  @Override
  public List<CommitLogWatcher.Commit> commits() {
    return List.of();
  }

  @Override
  public void stop() {
    running = false;
    if (thread != null) {
      consumer.wakeup();
      try {
        thread.join(Duration.ofSeconds(30).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }

  private void relay() {
    try (KafkaConsumer<byte[], byte[]> c = consumer) {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> in : c.poll(Duration.ofMillis(100))) {
          String value = transform.apply(new String(in.value(), StandardCharsets.UTF_8));
          if (value != null) {
            producer.send(new ProducerRecord<>(args.outTopic(), null, in.key(),
                value.getBytes(StandardCharsets.UTF_8), in.headers()), this::onSent);
          }
        }
      }
    } catch (WakeupException e) {
      // stop()
    } catch (RuntimeException e) {
      failure.complete(e);
    }
  }

  private void onSent(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
    if (e != null) {
      failure.complete(e);
    }
  }
}
