package io.rtm.compat;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.kafka010.KafkaDataWriterCommitMessage$;
import org.apache.spark.sql.kafka010.KafkaRowWriter;
import org.apache.spark.sql.kafka010.KafkaStreamWriterFactory;
import scala.Option;

/**
 * The Kafka sink's own row conversion (topic, key, value, headers and partition columns, with its
 * casts and errors) sending into a producer we own, for the exactly-once Kafka sink.
 *
 * <p>Spark 4.2.0: {@code KafkaRowWriter}, {@code KafkaStreamWriterFactory} (a case class with
 * accessors for topic, producer parameters and schema) and {@code KafkaDataWriterCommitMessage}
 * are {@code private[kafka010]}, public in bytecode.
 */
public final class KafkaSinkRows extends KafkaRowWriter {
  private KafkaSinkRows(KafkaStreamWriterFactory factory) {
    super(attributes(factory), factory.topic());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Attribute> attributes(
      KafkaStreamWriterFactory factory) {
    // Seq is covariant in Scala; Java sees the element type exactly.
    return (scala.collection.immutable.Seq) DataTypeUtils.toAttributes(factory.schema());
  }

  public static KafkaSinkRows of(StreamingDataWriterFactory factory) {
    return new KafkaSinkRows((KafkaStreamWriterFactory) factory);
  }

  /** The producer configuration of the sink ("kafka."-prefixed options, serializers set). */
  public static Map<String, Object> producerParams(StreamingDataWriterFactory factory) {
    return ((KafkaStreamWriterFactory) factory).producerParams();
  }

  /** Target topic of the sink's "topic" option, if any. */
  public static Option<String> topic(StreamingDataWriterFactory factory) {
    return ((KafkaStreamWriterFactory) factory).topic();
  }

  public void send(InternalRow row, KafkaProducer<byte[], byte[]> producer) {
    sendRow(row, producer);
  }

  /** Throws the first failed send since the producer was created. */
  public void throwIfFailed() {
    checkForErrors();
  }

  public static WriterCommitMessage commitMessage() {
    return KafkaDataWriterCommitMessage$.MODULE$;
  }
}
