package io.rtm.compat;

import java.lang.reflect.Method;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the memtable flush of Spark's RocksDB state store a few epochs before the commit that
 * takes a snapshot, without waiting for it.
 *
 * <p>With changelog checkpointing, Spark's RocksDB store takes a snapshot every
 * {@code minDeltasForSnapshot} versions inside {@code commit()}, and that snapshot first flushes the
 * memtable and waits for the flush: all the writes since the last snapshot, on a background thread
 * the task thread waits for. On a loaded 2-core machine that wait was 50-260 ms, and every row of
 * the next epoch waits behind it: the latency spike of a stateful query every
 * {@code minDeltasForSnapshot} epochs. Flushing early, in the background while rows keep flowing,
 * leaves the snapshot's own flush only the last few epochs' writes.
 *
 * <p>Spark 4.2.0 exposes none of this, so it is reached by reflection, checked against Spark 4.2.0
 * ({@code RocksDBStateStoreProvider.RocksDBStateStore.$outer}, {@code RocksDBStateStoreProvider.rocksDB()},
 * {@code RocksDB.db()}, {@code RocksDB.loadedVersion()}, {@code RocksDB.lastSnapshotVersion()},
 * {@code RocksDB.conf()}, {@code RocksDBConf.minDeltasForSnapshot()} and
 * {@code enableChangelogCheckpointing()}) and rocksdbjni 9.8.4; any other provider, or other
 * internals, turn it off with one log line, never fail the query.
 *
 * <p>One instance per stateful operator per task, owned by the task thread.
 */
public final class RocksDbSnapshotPreFlush {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbSnapshotPreFlush.class);
  private static final String STORE_CLASS =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider$RocksDBStateStore";
  /** The extra store option that carries {@code spark.rtm.state.flushAheadEpochs} to the tasks. */
  public static final String EPOCHS_AHEAD_OPTION = "spark.rtm.state.flushAheadEpochs";

  /** How far ahead of the snapshot the flush starts, at most: long enough for a slow flush to end. */
  private final int epochsAhead;
  private boolean disabled;
  private long flushedForSnapshot = -1;
  private FlushOptions noWait;
  private Method rocksDbOfProvider;
  private Method conf;
  private Method changelogCheckpointing;
  private Method minDeltasForSnapshot;
  private Method loadedVersion;
  private Method lastSnapshotVersion;
  private Method db;

  RocksDbSnapshotPreFlush(int epochsAhead) {
    this.epochsAhead = epochsAhead;
    this.disabled = epochsAhead <= 0;
  }

  /** The pre-flush the plugin configured for an operator's stores (off without the option). */
  public static RocksDbSnapshotPreFlush forStores(StateStoreConf conf) {
    scala.Option<String> value = conf.extraOptions().get(EPOCHS_AHEAD_OPTION);
    return new RocksDbSnapshotPreFlush(value.isDefined() ? Integer.parseInt(value.get()) : 0);
  }

  /** Call after the epoch's store is open: flushes when a snapshot is near. */
  public void opened(StateStore store) {
    if (disabled || !store.getClass().getName().equals(STORE_CLASS)) {
      return;
    }
    try {
      Object provider = store.getClass().getField("$outer").get(store);
      if (rocksDbOfProvider == null) {
        resolve(provider);
      }
      Object rocksDb = rocksDbOfProvider.invoke(provider);
      Object rocksDbConf = conf.invoke(rocksDb);
      int minDeltas = (Integer) minDeltasForSnapshot.invoke(rocksDbConf);
      if (!(Boolean) changelogCheckpointing.invoke(rocksDbConf) || minDeltas <= 2 * epochsAhead) {
        disabled = true; // snapshots so often that no flush could get ahead of them
        return;
      }
      long committing = (Long) loadedVersion.invoke(rocksDb) + 1;
      long snapshotAt = (Long) lastSnapshotVersion.invoke(rocksDb) + minDeltas;
      if (flushUntilSnapshot(committing, snapshotAt, flushedForSnapshot, epochsAhead)) {
        if (noWait == null) {
          noWait = new FlushOptions().setWaitForFlush(false);
        }
        ((RocksDB) db.invoke(rocksDb)).flush(noWait);
        flushedForSnapshot = snapshotAt;
      }
    } catch (ReflectiveOperationException | ClassCastException | RocksDBException e) {
      disabled = true;
      LOG.warn("Cannot flush RocksDB ahead of its snapshots (Spark other than 4.2.0?); snapshot commits may"
          + " stall the task for longer: {}", e.toString());
    }
  }

  /**
   * Whether the epoch committing version {@code committing} should start the flush for the
   * snapshot at version {@code snapshotAt}: within {@code epochsAhead} versions before it (but not
   * at it: that commit flushes anyway), once per snapshot.
   */
  static boolean flushUntilSnapshot(long committing, long snapshotAt, long alreadyFlushedFor, int epochsAhead) {
    long ahead = snapshotAt - committing;
    return ahead >= 1 && ahead <= epochsAhead && alreadyFlushedFor != snapshotAt;
  }

  private void resolve(Object provider) throws ReflectiveOperationException {
    Method rocksDbMethod = provider.getClass().getMethod("rocksDB");
    Class<?> rocksDbClass = rocksDbMethod.getReturnType();
    conf = method(rocksDbClass, "conf");
    Class<?> confClass = conf.getReturnType();
    changelogCheckpointing = method(confClass, "enableChangelogCheckpointing");
    minDeltasForSnapshot = method(confClass, "minDeltasForSnapshot");
    loadedVersion = method(rocksDbClass, "loadedVersion");
    lastSnapshotVersion = method(rocksDbClass, "lastSnapshotVersion");
    db = method(rocksDbClass, "db");
    rocksDbOfProvider = rocksDbMethod;
  }

  private static Method method(Class<?> type, String name) throws NoSuchMethodException {
    Method m = findMethod(type, name);
    m.setAccessible(true);
    return m;
  }

  private static Method findMethod(Class<?> type, String name) throws NoSuchMethodException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals(name) && m.getParameterCount() == 0) {
          return m;
        }
      }
    }
    throw new NoSuchMethodException(type.getName() + "." + name + "()");
  }
}
