package io.rtm.operators.kafka;

import io.rtm.compat.KafkaSinkRows;
import io.rtm.compat.KafkaTransactions;
import io.rtm.operators.EpochCoordination;
import io.rtm.operators.EpochOutput;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink task of the exactly-once Kafka sink: one Kafka transaction per epoch, committed only once
 * Spark's commit log holds the epoch (two-phase commit).
 *
 * <ol>
 *   <li>Rows of epoch n are sent as they come, inside the task's transaction for n: a
 *       {@code read_committed} consumer sees none of them yet.
 *   <li>At n's barrier: flush (every row acknowledged: phase one), record the open transaction in
 *       the checkpoint ({@link PreparedTransactions}), report n to the epoch coordinator.
 *   <li>Wait until the commit log holds n (every task reported n and the coordinator committed it),
 *       commit the Kafka transaction (phase two), clear the record. The task writes epoch n+1 only
 *       then: one producer, one transaction at a time, in epoch order.
 * </ol>
 *
 * <p>On start the task finishes what its predecessor left: a recorded transaction whose epoch is
 * in the commit log is taken over and committed ({@link KafkaTransactions#resume}; committing again
 * is harmless); one whose epoch is not is aborted by {@code initTransactions}, which also fences any
 * zombie producer with the same transactional id. Rows of an epoch that did not commit are replayed
 * from its start offsets by the restarted query.
 */
final class TransactionalKafkaEpochOutput implements EpochOutput {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionalKafkaEpochOutput.class);
  /** Poll of the commit log after a barrier; bounds the commit delay it adds, not row latency. */
  private static final long COMMIT_POLL_MS = 2;
  /** Longest a transaction may stay open before the broker aborts it: covers a restart between the phases. */
  private static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 600_000;

  private enum Phase { IDLE, OPEN, PREPARED }

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaSinkRows rows;
  private final PreparedTransactions prepared;
  private final EpochCoordination coordinator;
  private final int partition;
  private Phase phase = Phase.IDLE;
  private long rowsInEpoch;

  private TransactionalKafkaEpochOutput(KafkaProducer<byte[], byte[]> producer, KafkaSinkRows rows,
      PreparedTransactions prepared, EpochCoordination coordinator, int partition) {
    this.producer = producer;
    this.rows = rows;
    this.prepared = prepared;
    this.coordinator = coordinator;
    this.partition = partition;
  }

  static EpochOutput open(StreamingDataWriterFactory kafka, String transactionalId, PreparedTransactions prepared,
      EpochCoordination coordinator, int partition) throws Exception {
    Map<String, Object> params = new HashMap<>(KafkaSinkRows.producerParams(kafka));
    params.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    params.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    params.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
    finishPredecessor(params, prepared, transactionalId);
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(params);
    try {
      // Fences every older producer of this id and aborts its open transaction.
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new TransactionalKafkaEpochOutput(producer, KafkaSinkRows.of(kafka), prepared, coordinator, partition);
  }

  private static void finishPredecessor(Map<String, Object> params, PreparedTransactions prepared,
      String transactionalId) throws Exception {
    Optional<PreparedTransactions.Prepared> left = prepared.read();
    if (left.isPresent() && prepared.committed(left.get().epoch())) {
      PreparedTransactions.Prepared p = left.get();
      try (KafkaProducer<byte[], byte[]> resumed = new KafkaProducer<>(params)) {
        KafkaTransactions.resume(resumed, p.producerId(), p.producerEpoch());
        resumed.commitTransaction();
      }
      LOG.info("Committed the Kafka transaction {} of epoch {} left prepared by a previous task", transactionalId,
          p.epoch());
    }
    prepared.clear();
  }

  @Override
  public void beginEpoch(long epoch) {
    producer.beginTransaction();
    phase = Phase.OPEN;
    rowsInEpoch = 0;
  }

  @Override
  public void write(InternalRow row) {
    rows.send(row, producer);
    rowsInEpoch++;
  }

  @Override
  public void endEpoch(long epoch) throws Exception {
    if (rowsInEpoch == 0) {
      // Nothing was sent: the transaction never reached the broker and commits locally.
      producer.commitTransaction();
      phase = Phase.IDLE;
      coordinator.commitPartitionEpoch(partition, epoch, KafkaSinkRows.commitMessage());
      return;
    }
    producer.flush();
    rows.throwIfFailed();
    ProducerIdAndEpoch id = KafkaTransactions.producerIdAndEpoch(producer);
    prepared.write(new PreparedTransactions.Prepared(epoch, id.producerId, id.epoch));
    phase = Phase.PREPARED;
    coordinator.commitPartitionEpoch(partition, epoch, KafkaSinkRows.commitMessage());
    while (!prepared.committed(epoch)) {
      // Interrupted when the run is cancelled: the transaction stays prepared for the next run.
      Thread.sleep(COMMIT_POLL_MS);
    }
    producer.commitTransaction();
    prepared.clear();
    phase = Phase.IDLE;
  }

  @Override
  public void abortEpoch() {
    // A prepared transaction is not ours to abort: its epoch may still commit. The next task decides.
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
    abortEpoch();
    // A graceful close aborts an incomplete transaction (Kafka's Sender does on shutdown); a
    // prepared one must survive the task, so its producer closes forcibly (timeout zero).
    producer.close(phase == Phase.PREPARED ? Duration.ZERO : Duration.ofSeconds(5));
  }
}
