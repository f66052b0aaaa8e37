package io.rtm.compat;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.ProducerIdAndEpoch;

/**
 * Two-phase commit on Kafka 3.9 clients, which have no "prepared transaction" API (KIP-939 comes
 * later): a transaction flushed by a producer that then died can still be committed by a new
 * producer that takes over its producer id and epoch, as long as no producer called
 * {@code initTransactions} with the same transactional id since (that aborts it).
 *
 * <p>Checked against kafka-clients 3.9.2 (the version spark-sql-kafka 4.2.0 ships with):
 * {@code KafkaProducer.transactionManager}, {@code TransactionManager.producerIdAndEpoch},
 * {@code transactionStarted}, {@code txnPartitionMap.reset()}, the private
 * {@code transitionTo(State)} and the states INITIALIZING, READY, IN_TRANSACTION. The same steps
 * as Apache Flink's Kafka connector uses to resume transactions.
 */
public final class KafkaTransactions {
  private KafkaTransactions() {}

  /** The producer id and epoch of a transactional producer after {@code initTransactions}. */
  public static ProducerIdAndEpoch producerIdAndEpoch(KafkaProducer<?, ?> producer) {
    Object manager = field(producer, "transactionManager");
    return (ProducerIdAndEpoch) field(manager, "producerIdAndEpoch");
  }

  /**
   * Makes {@code producer} (transactional, {@code initTransactions} NOT called) the owner of the
   * open transaction of {@code producerId}/{@code epoch}, so that {@code commitTransaction()}
   * completes it. Committing a transaction the broker already committed succeeds again.
   */
  public static void resume(KafkaProducer<?, ?> producer, long producerId, short epoch) {
    Object manager = field(producer, "transactionManager");
    synchronized (manager) {
      try {
        Class<?> stateClass = Class.forName(manager.getClass().getName() + "$State");
        Method transitionTo = manager.getClass().getDeclaredMethod("transitionTo", stateClass);
        transitionTo.setAccessible(true);
        transitionTo.invoke(manager, state(stateClass, "INITIALIZING"));
        Object partitions = field(manager, "txnPartitionMap");
        Method reset = partitions.getClass().getDeclaredMethod("reset");
        reset.setAccessible(true);
        reset.invoke(partitions);
        setField(manager, "producerIdAndEpoch", new ProducerIdAndEpoch(producerId, epoch));
        transitionTo.invoke(manager, state(stateClass, "READY"));
        transitionTo.invoke(manager, state(stateClass, "IN_TRANSACTION"));
        setField(manager, "transactionStarted", true);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("kafka-clients internals differ from 3.9.2: cannot resume the"
            + " transaction of producer " + producerId + " epoch " + epoch, e);
      }
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object state(Class<?> stateClass, String name) {
    return Enum.valueOf((Class) stateClass, name);
  }

  private static Object field(Object target, String name) {
    try {
      Field f = target.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return f.get(target);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("kafka-clients internals differ from 3.9.2: no field " + name, e);
    }
  }

  private static void setField(Object target, String name, Object value) throws ReflectiveOperationException {
    Field f = target.getClass().getDeclaredField(name);
    f.setAccessible(true);
    f.set(target, value);
  }
}
