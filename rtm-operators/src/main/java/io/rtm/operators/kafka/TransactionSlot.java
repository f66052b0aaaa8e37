package io.rtm.operators.kafka;

import io.rtm.compat.KafkaTransactions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transactional producer of an exactly-once sink task and its record in the checkpoint: it
 * holds at most one transaction at a time, which goes IDLE -> OPEN (rows being sent) -> PREPARED
 * (flushed and recorded, the epoch reported) -> IDLE (committed in Kafka, record cleared).
 *
 * <p>Threads: the task thread begins, prepares and aborts; the task's commit thread commits a
 * PREPARED transaction. The two never touch a slot at the same time: the task thread begins a slot
 * again only after that slot's commit has finished (see {@link TransactionalKafkaEpochOutput}), so
 * {@link #phase} is volatile only to make the commit thread's last write visible to close.
 */
final class TransactionSlot implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionSlot.class);
  /** Longest a transaction may stay open before the broker aborts it: covers a restart between the phases. */
  private static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 600_000;

  private enum Phase { IDLE, OPEN, PREPARED }

  private final KafkaProducer<byte[], byte[]> producer;
  private final PreparedTransactions record;
  private volatile Phase phase = Phase.IDLE;

  private TransactionSlot(KafkaProducer<byte[], byte[]> producer, PreparedTransactions record) {
    this.producer = producer;
    this.record = record;
  }

  static Map<String, Object> producerParams(Map<String, Object> sinkParams, String transactionalId) {
    Map<String, Object> params = new HashMap<>(sinkParams);
    params.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    params.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    params.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
    return params;
  }

  /**
   * Commits a transaction a previous task left prepared, when its epoch is in the commit log, by
   * taking over its producer id and epoch (committing again is harmless); clears the record either
   * way: one whose epoch did not commit is aborted by {@link #open}'s {@code initTransactions}.
   */
  static void finishLeft(Map<String, Object> params, String transactionalId, PreparedTransactions record,
      PreparedTransactions.Prepared left) throws Exception {
    if (record.committed(left.epoch())) {
      try (KafkaProducer<byte[], byte[]> resumed = new KafkaProducer<>(params)) {
        KafkaTransactions.resume(resumed, left.producerId(), left.producerEpoch());
        resumed.commitTransaction();
      }
      LOG.info("Committed the Kafka transaction {} of epoch {} left prepared by a previous task", transactionalId,
          left.epoch());
    }
    record.clear();
  }

  /** Opens the producer; {@code initTransactions} fences every older producer of the id and aborts its open transaction. */
  static TransactionSlot open(Map<String, Object> params, PreparedTransactions record) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(params);
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new TransactionSlot(producer, record);
  }

  KafkaProducer<byte[], byte[]> producer() {
    return producer;
  }

  void begin() {
    producer.beginTransaction();
    phase = Phase.OPEN;
  }

  /** A transaction with no rows never reached the broker: it commits locally, at once. */
  void commitEmpty() {
    producer.commitTransaction();
    phase = Phase.IDLE;
  }

  /** Phase one, first half: every row sent so far acknowledged (or failed: the caller checks). */
  void flush() {
    producer.flush();
  }

  /** Phase one, second half: the flushed transaction recorded before the epoch is reported. */
  void prepare(long epoch) throws Exception {
    ProducerIdAndEpoch id = KafkaTransactions.producerIdAndEpoch(producer);
    record.write(new PreparedTransactions.Prepared(epoch, id.producerId, id.epoch));
    phase = Phase.PREPARED;
  }

  /** Phase two, once the commit log holds the epoch: runs on the task's commit thread. */
  void commitPrepared() throws Exception {
    producer.commitTransaction();
    record.clear();
    phase = Phase.IDLE;
  }

  boolean epochCommitted(long epoch) throws Exception {
    return record.committed(epoch);
  }

  /** A prepared transaction is not ours to abort: its epoch may still commit. The next task decides. */
  void abortIfOpen() {
    if (phase == Phase.OPEN) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException e) {
        // fenced or broker gone: initTransactions of the next task aborts it
      }
      phase = Phase.IDLE;
    }
  }

  @Override
  public void close() {
    abortIfOpen();
    // A graceful close aborts an incomplete transaction (Kafka's Sender does on shutdown); a
    // prepared one must survive the task, so its producer closes forcibly (timeout zero).
    producer.close(phase == Phase.PREPARED ? Duration.ZERO : Duration.ofSeconds(5));
  }
}
