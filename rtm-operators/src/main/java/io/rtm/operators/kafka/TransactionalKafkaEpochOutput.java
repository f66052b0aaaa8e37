package io.rtm.operators.kafka;

import io.rtm.compat.KafkaSinkRows;
import io.rtm.operators.EpochCoordination;
import io.rtm.operators.EpochOutput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * A sink task of the exactly-once Kafka sink: one Kafka transaction per epoch, committed only once
 * Spark's commit log holds the epoch (two-phase commit).
 *
 * <ol>
 *   <li>Rows of epoch n are sent as they come, inside the task's transaction for n: a
 *       {@code read_committed} consumer sees none of them yet.
 *   <li>At n's barrier: flush (every row acknowledged: phase one), record the open transaction in
 *       the checkpoint ({@link PreparedTransactions}), report n to the epoch coordinator.
 *   <li>The task's commit thread waits until the commit log holds n (every task reported n and the
 *       coordinator committed it), then commits the Kafka transaction (phase two) and clears the
 *       record.
 * </ol>
 *
 * <p>A Kafka producer holds one transaction at a time, so the task writes through
 * {@value #SLOTS} transactional producers in turn ({@link TransactionSlot}s): epoch n+1 goes into
 * the next slot while n waits for its commit, and the task waits only when it comes back to a slot
 * whose commit is still pending. A commit that is slower than an epoch therefore costs latency, not
 * a stalled task every epoch. One commit thread commits in epoch order, so a {@code read_committed}
 * consumer sees the epochs in order.
 *
 * <p>On start the task finishes what its predecessor left, oldest epoch first: a recorded
 * transaction whose epoch is in the commit log is taken over and committed; one whose epoch is not
 * is aborted by {@code initTransactions}, which also fences any zombie producer with the same
 * transactional id. Rows of an epoch that did not commit are replayed from its start offsets by
 * the restarted query.
 *
 * <p>Threads: the task thread owns {@link #current}, {@link #pending} and every call of this class;
 * the commit thread runs only the jobs the task thread hands it and touches only their slot.
 */
final class TransactionalKafkaEpochOutput implements EpochOutput {
  /** Transactional producers per sink task: two let a commit overlap the next epoch. */
  static final int SLOTS = 2;
  /** Poll of the commit log after a barrier; bounds the commit delay it adds, not row latency. */
  private static final long COMMIT_POLL_MS = 2;

  private final TransactionSlot[] slots;
  private final KafkaSinkRows rows;
  private final EpochCoordination coordinator;
  private final int partition;
  private final ExecutorService commits;
  private final Future<?>[] pending = new Future<?>[SLOTS];
  private int current = -1;
  private long rowsInEpoch;

  private TransactionalKafkaEpochOutput(TransactionSlot[] slots, KafkaSinkRows rows, EpochCoordination coordinator,
      int partition, String transactionalId) {
    this.slots = slots;
    this.rows = rows;
    this.coordinator = coordinator;
    this.partition = partition;
    this.commits = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "rtm-kafka-commit-" + transactionalId);
      t.setDaemon(true);
      return t;
    });
  }

  /** Slot 0 keeps the id of single-producer sinks, so their checkpoints resume with it. */
  static String slotTransactionalId(String transactionalId, int slot) {
    return slot == 0 ? transactionalId : transactionalId + "-s" + slot;
  }

  static EpochOutput open(StreamingDataWriterFactory kafka, String transactionalId, String checkpointRoot,
      Configuration hadoopConf, EpochCoordination coordinator, int partition) throws Exception {
    Map<String, Object> sinkParams = KafkaSinkRows.producerParams(kafka);
    List<Left> left = new ArrayList<>();
    PreparedTransactions[] records = new PreparedTransactions[SLOTS];
    for (int s = 0; s < SLOTS; s++) {
      records[s] = new PreparedTransactions(checkpointRoot, partition, s, hadoopConf);
      Optional<PreparedTransactions.Prepared> p = records[s].read();
      if (p.isPresent()) {
        left.add(new Left(s, p.get()));
      }
    }
    left.sort(Comparator.comparingLong(l -> l.prepared().epoch()));
    for (Left l : left) {
      String id = slotTransactionalId(transactionalId, l.slot());
      TransactionSlot.finishLeft(TransactionSlot.producerParams(sinkParams, id), id, records[l.slot()], l.prepared());
    }
    TransactionSlot[] slots = new TransactionSlot[SLOTS];
    try {
      for (int s = 0; s < SLOTS; s++) {
        slots[s] = TransactionSlot.open(
            TransactionSlot.producerParams(sinkParams, slotTransactionalId(transactionalId, s)), records[s]);
      }
    } catch (RuntimeException e) {
      for (TransactionSlot slot : slots) {
        if (slot != null) {
          slot.close();
        }
      }
      throw e;
    }
    return new TransactionalKafkaEpochOutput(slots, KafkaSinkRows.of(kafka), coordinator, partition, transactionalId);
  }

  private record Left(int slot, PreparedTransactions.Prepared prepared) {}

  @Override
  public void beginEpoch(long epoch) throws Exception {
    current = (current + 1) % SLOTS;
    awaitCommit(current);
    slots[current].begin();
    rowsInEpoch = 0;
  }

  @Override
  public void write(InternalRow row) {
    rows.send(row, slots[current].producer());
    rowsInEpoch++;
  }

  @Override
  public void endEpoch(long epoch) throws Exception {
    TransactionSlot slot = slots[current];
    if (rowsInEpoch == 0) {
      slot.commitEmpty();
      coordinator.commitPartitionEpoch(partition, epoch, KafkaSinkRows.commitMessage());
      return;
    }
    slot.flush();
    rows.throwIfFailed();
    slot.prepare(epoch);
    coordinator.commitPartitionEpoch(partition, epoch, KafkaSinkRows.commitMessage());
    pending[current] = commits.submit(() -> {
      while (!slot.epochCommitted(epoch)) {
        // Interrupted when the task ends: the transaction stays prepared for the next run.
        Thread.sleep(COMMIT_POLL_MS);
      }
      slot.commitPrepared();
      return null;
    });
  }

  /** Waits for the slot's last commit; its failure (a fenced producer, a broker error) fails the task. */
  private void awaitCommit(int slot) throws Exception {
    Future<?> commit = pending[slot];
    if (commit == null) {
      return;
    }
    try {
      commit.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
    } finally {
      pending[slot] = null;
    }
    rows.throwIfFailed();
  }

  @Override
  public void abortEpoch() {
    if (current >= 0) {
      slots[current].abortIfOpen();
    }
  }

  @Override
  public void close() {
    abortEpoch();
    commits.shutdownNow();
    try {
      // A commit in flight finishes or is interrupted; either way its record tells the next task.
      commits.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (TransactionSlot slot : slots) {
      slot.close();
    }
  }
}
