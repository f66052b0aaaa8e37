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
 * Where and how Spark's RocksDB state store takes its snapshots in a real-time stateful task: each
 * partition at its own place in the snapshot cycle, and with the memtable flush started a few
 * epochs before the commit that takes the snapshot, without waiting for it.
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
 * <p>It also staggers the snapshots of an operator's partitions ({@link #STAGGER_OPTION}): every
 * partition starts at the same version and would take its snapshot at the same epoch as all the
 * others, each slowing the others down on a machine with few cores. On its first epoch in a task,
 * each partition moves its next snapshot to its own phase of the {@code minDeltasForSnapshot}
 * cycle ({@link #phase}), never later than Spark would have taken it (Spark 4.2.0's private
 * {@code RocksDB.lastSnapshotVersion} is only ever lowered, so the change-log chain a restart
 * replays never grows).
 *
 * <p>One instance per stateful operator per task, owned by the task thread.
 */
public final class RocksDbSnapshotSchedule {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbSnapshotSchedule.class);
  private static final String STORE_CLASS =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider$RocksDBStateStore";
  /** The extra store option that carries {@code spark.rtm.state.flushAheadEpochs} to the tasks. */
  public static final String EPOCHS_AHEAD_OPTION = "spark.rtm.state.flushAheadEpochs";
  /** The extra store option that carries {@code spark.rtm.state.staggerSnapshots} to the tasks. */
  public static final String STAGGER_OPTION = "spark.rtm.state.staggerSnapshots";
  /** Spreads any number of partitions over the cycle (the golden ratio's fractional part). */
  private static final double PHASE_STEP = 0.6180339887498949;

  /** How far ahead of the snapshot the flush starts, at most: long enough for a slow flush to end. */
  private final int epochsAhead;
  private final boolean stagger;
  private boolean disabled;
  private boolean staggered;
  private long flushedForSnapshot = -1;
  private FlushOptions noWait;
  private Method rocksDbOfProvider;
  private Method conf;
  private Method changelogCheckpointing;
  private Method minDeltasForSnapshot;
  private Method loadedVersion;
  private Method lastSnapshotVersion;
  private Method db;
  private java.lang.reflect.Field lastSnapshotVersionField;

  RocksDbSnapshotSchedule(int epochsAhead) {
    this(epochsAhead, false);
  }

  RocksDbSnapshotSchedule(int epochsAhead, boolean stagger) {
    this.epochsAhead = epochsAhead;
    this.stagger = stagger;
    this.disabled = epochsAhead <= 0 && !stagger;
  }

  /** The pre-flush the plugin configured for an operator's stores (off without the options). */
  public static RocksDbSnapshotSchedule forStores(StateStoreConf conf) {
    scala.Option<String> value = conf.extraOptions().get(EPOCHS_AHEAD_OPTION);
    scala.Option<String> stagger = conf.extraOptions().get(STAGGER_OPTION);
    return new RocksDbSnapshotSchedule(value.isDefined() ? Integer.parseInt(value.get()) : 0,
        stagger.isDefined() && Boolean.parseBoolean(stagger.get()));
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
      if (!(Boolean) changelogCheckpointing.invoke(rocksDbConf)) {
        disabled = true; // a snapshot at every commit: nothing to move or flush ahead of
        return;
      }
      if (stagger && !staggered) {
        staggered = true;
        long loaded = (Long) loadedVersion.invoke(rocksDb);
        long last = (Long) lastSnapshotVersion.invoke(rocksDb);
        long moved = staggeredLastSnapshot(loaded, last, minDeltas, phase(store.id().partitionId(), minDeltas));
        if (moved < last) {
          lastSnapshotVersionField.setLong(rocksDb, moved);
        }
      }
      if (epochsAhead <= 0 || minDeltas <= 2 * epochsAhead) {
        return; // snapshots so often that no flush could get ahead of them
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
          + " stall the task for longer and partitions snapshot together: {}", e.toString());
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

  /** Partition {@code partition}'s place in the cycle of {@code minDeltas} versions between snapshots. */
  static int phase(int partition, int minDeltas) {
    double fraction = (partition * PHASE_STEP) % 1.0;
    return (int) Math.floor(fraction * minDeltas);
  }

  /**
   * The last-snapshot version that makes the next snapshot fall on the first version after
   * {@code loaded} whose place in the cycle is {@code phase}, or {@code last} itself when that
   * would come later than Spark's own next snapshot ({@code last + minDeltas}).
   */
  static long staggeredLastSnapshot(long loaded, long last, int minDeltas, int phase) {
    long first = loaded + 1;
    long next = first + Math.floorMod(-(first + phase), (long) minDeltas);
    return Math.min(last, next - minDeltas);
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
    lastSnapshotVersionField = field(rocksDbClass, "lastSnapshotVersion");
    rocksDbOfProvider = rocksDbMethod;
  }

  /** Scala may mangle a private var's field name; Spark 4.2.0 leaves this one as declared. */
  private static java.lang.reflect.Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (java.lang.reflect.Field f : type.getDeclaredFields()) {
      if ((f.getName().equals(name) || f.getName().endsWith("$$" + name)) && f.getType() == long.class) {
        f.setAccessible(true);
        return f;
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
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
