package io.rtm.bench.flink;

import io.rtm.bench.harness.EventGenerator;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@link FlinkOutput} to a Kafka record. No timestamp: the producer stamps CreateTime, as it does
 * for Spark's Kafka sink (Flink's default schema would copy the input's event time instead).
 */
final class KafkaOutputSerializer implements KafkaRecordSerializationSchema<FlinkOutput> {
  private final String topic;

  KafkaOutputSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(FlinkOutput out, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    if (out.sendUsHeader != null) {
      headers.add(EventGenerator.SEND_US_HEADER, out.sendUsHeader);
    }
    return new ProducerRecord<>(topic, null, null, out.key.getBytes(StandardCharsets.UTF_8),
        out.value.getBytes(StandardCharsets.UTF_8), headers);
  }
}
