package io.rtm.bench.flink;

import io.rtm.bench.harness.EventGenerator;
import java.io.IOException;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Kafka record to {@link FlinkEvent}, keeping the {@code send_us} header (Spark: {@code includeHeaders}). */
final class KafkaEventDeserializer implements KafkaRecordDeserializationSchema<FlinkEvent> {
  private transient EventJson json;

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    json = new EventJson();
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FlinkEvent> out) throws IOException {
    Header sendUs = record.headers().lastHeader(EventGenerator.SEND_US_HEADER);
    out.collect(json.parse(record.value(), sendUs == null ? null : sendUs.value()));
  }

  @Override
  public TypeInformation<FlinkEvent> getProducedType() {
    return TypeInformation.of(FlinkEvent.class);
  }
}
