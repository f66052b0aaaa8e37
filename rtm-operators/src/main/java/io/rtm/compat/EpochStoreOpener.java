package io.rtm.compat;

import java.util.function.LongFunction;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one state store of a long-lived task at each epoch's version.
 *
 * <p>The first epoch goes through Spark's {@code StateStore.get}, which loads the provider into the
 * executor's registry (so Spark's maintenance thread uploads its snapshots and cleans old
 * versions) and tells the driver's state store coordinator which executor holds it. Spark 4.2.0
 * repeats that on every {@code get}: a synchronous call to the coordinator made while holding the
 * executor-wide provider lock, which a micro-batch pays once per batch and a 100 ms epoch ten times
 * a second, with every row of the epoch waiting. The task stays on its executor for its whole
 * life, so later epochs ask the same provider for the next version directly
 * ({@code StateStoreProvider.getStore}), as {@code StateStore.get} itself ends up doing.
 *
 * <p>The provider is reached through the store's enclosing instance ({@code $outer}, checked
 * against Spark 4.2.0's {@code RocksDBStateStoreProvider.RocksDBStateStore} and
 * {@code HDFSBackedStateStoreProvider.HDFSBackedStateStore}); a store of another provider keeps
 * going through {@code StateStore.get}. Slow opens are logged, to trace a latency spike to them.
 *
 * <p>One instance per store per task, owned by the task thread.
 */
public final class EpochStoreOpener {
  private static final Logger LOG = LoggerFactory.getLogger(EpochStoreOpener.class);
  /** Above this an open shows in the latency tail of a 10,000 records/s stream. */
  public static final long SLOW_MS = 50;

  private final String description;
  private StateStoreProvider provider;
  private boolean viaSparkOnly;

  /** @param description the store in log lines (operator, partition, store name) */
  public EpochStoreOpener(String description) {
    this.description = description;
  }

  /** The store at {@code version}; {@code viaSpark} is Spark's {@code StateStore.get} for it. */
  public StateStore open(long version, LongFunction<StateStore> viaSpark) {
    long start = System.nanoTime();
    StateStore store;
    if (provider != null) {
      store = provider.getStore(version, scala.Option.empty(), false, false);
    } else {
      store = viaSpark.apply(version);
      if (!viaSparkOnly) {
        provider = providerOf(store);
        viaSparkOnly = provider == null;
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (ms >= SLOW_MS) {
      LOG.info("Opening state store {} at version {} took {} ms", description, version, ms);
    }
    return store;
  }

  /** Whether later epochs skip Spark's registry (for tests). */
  boolean opensFromProvider() {
    return provider != null;
  }

  static StateStoreProvider providerOf(StateStore store) {
    try {
      Object outer = store.getClass().getField("$outer").get(store);
      return outer instanceof StateStoreProvider p ? p : null;
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
