package io.rtm.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.streaming.state.NoPrefixKeyStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.execution.streaming.state.StateStoreId;
import org.apache.spark.sql.execution.streaming.state.StateStoreProvider;
import org.apache.spark.sql.execution.streaming.state.StateStoreProvider$;
import org.apache.spark.sql.execution.streaming.state.StateStoreProviderId;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import scala.Option;

class RocksDbSnapshotScheduleTest {
  private static final StructType KEY = new StructType().add("k", DataTypes.IntegerType, false);
  private static final StructType VALUE = new StructType().add("v", DataTypes.LongType, false);
  private static final int MIN_DELTAS = 20;

  private StateStoreProvider provider;

  @AfterEach
  void close() {
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void flushesOnceWithinTheEpochsBeforeASnapshotButNeitherEarlierNorAtIt() {
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(94, 100, -1, 5)).isFalse();
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(95, 100, -1, 5)).isTrue();
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(96, 100, 100, 5)).isFalse();
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(99, 100, -1, 5)).isTrue();
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(100, 100, -1, 5)).isFalse();
    assertThat(RocksDbSnapshotSchedule.flushUntilSnapshot(195, 200, 100, 5)).isTrue();
  }

  /**
   * On Spark 4.2.0's own RocksDB store: before the window the memtable keeps the epoch's writes;
   * opening the first epoch inside it empties the memtable in the background.
   */
  @Test
  void aRealRocksDbStoreFlushesItsMemtableAheadOfTheSnapshot() throws Exception {
    provider = rocksDbProvider(Files.createTempDirectory("rtm-preflush"));
    RocksDbSnapshotSchedule preFlush = new RocksDbSnapshotSchedule(5);
    // Versions 1..13 committed: the commit of version 14 is 6 before the snapshot at 20.
    for (long version = 0; version < 13; version++) {
      StateStore store = provider.getStore(version, Option.empty(), false, false);
      preFlush.opened(store);
      put(store, (int) version);
      store.commit();
    }
    StateStore outside = provider.getStore(13L, Option.empty(), false, false);
    put(outside, 13);
    preFlush.opened(outside);
    // No earlier epoch flushed: the memtable still holds every key written since version 0.
    assertThat(activeMemtableEntries(outside)).isEqualTo(14);
    outside.commit();

    StateStore inside = provider.getStore(14L, Option.empty(), false, false);
    put(inside, 14);
    preFlush.opened(inside);
    await().atMost(Duration.ofSeconds(10)).until(() -> activeMemtableEntries(inside) == 0
        && rocksDb(inside).getLongProperty("rocksdb.num-immutable-mem-table") == 0);
    inside.commit();
  }

  @Test
  void partitionsTakeTheirPlacesInTheSnapshotCycleNeverLaterThanSpark() {
    assertThat(RocksDbSnapshotSchedule.phase(0, 100)).isZero();
    assertThat(java.util.stream.IntStream.range(0, 8).map(p -> RocksDbSnapshotSchedule.phase(p, 100)).distinct().count())
        .as("8 partitions, 8 places").isEqualTo(8);
    // Partition 1 of a 20-version cycle: place 12, so its snapshots fall on 8, 28, 48...
    assertThat(RocksDbSnapshotSchedule.phase(1, 20)).isEqualTo(12);
    assertThat(RocksDbSnapshotSchedule.staggeredLastSnapshot(0, 0, 20, 12)).isEqualTo(-12);
    assertThat(RocksDbSnapshotSchedule.staggeredLastSnapshot(8, 8, 20, 12)).isEqualTo(8);
    // A restart after 30 with the last snapshot at 28: the next stays at 48, not later.
    assertThat(RocksDbSnapshotSchedule.staggeredLastSnapshot(30, 28, 20, 12)).isEqualTo(28);
    // A restart that loaded an old snapshot (10, from before staggering): the next comes sooner, at 28.
    assertThat(RocksDbSnapshotSchedule.staggeredLastSnapshot(25, 10, 20, 12)).isEqualTo(8);
    // Place 0 keeps Spark's own cycle.
    assertThat(RocksDbSnapshotSchedule.staggeredLastSnapshot(0, 0, 20, 0)).isZero();
  }

  /** On Spark 4.2.0's own RocksDB store: partition 1 snapshots at version 8, partition 0 at 20. */
  @Test
  void aRealRocksDbStoreOfPartitionOneTakesItsFirstSnapshotAtItsPlace() throws Exception {
    provider = rocksDbProvider(Files.createTempDirectory("rtm-stagger"), 1);
    assertThat(snapshotVersionsOver30Commits(new RocksDbSnapshotSchedule(0, true))).containsExactly(8L, 28L);

    provider.close();
    provider = rocksDbProvider(Files.createTempDirectory("rtm-stagger"), 0);
    assertThat(snapshotVersionsOver30Commits(new RocksDbSnapshotSchedule(0, true))).containsExactly(20L);
  }

  private java.util.List<Long> snapshotVersionsOver30Commits(RocksDbSnapshotSchedule schedule) throws Exception {
    java.util.List<Long> snapshotVersions = new java.util.ArrayList<>();
    for (long version = 0; version < 30; version++) {
      StateStore store = provider.getStore(version, Option.empty(), false, false);
      schedule.opened(store);
      put(store, (int) version);
      long before = lastSnapshotVersion(store);
      store.commit();
      if (lastSnapshotVersion(store) != before) {
        snapshotVersions.add(lastSnapshotVersion(store));
      }
    }
    return snapshotVersions;
  }

  @Test
  void anotherProviderIsLeftAlone() throws Exception {
    SQLConf sql = new SQLConf();
    provider = StateStoreProvider$.MODULE$.createAndInit(
        new StateStoreProviderId(new StateStoreId(Files.createTempDirectory("rtm-hdfs").toString(), 0, 0, "default"),
            UUID.randomUUID()),
        KEY, VALUE, new NoPrefixKeyStateEncoderSpec(KEY), false, new StateStoreConf(sql, emptyMap()),
        new Configuration(), false, Option.empty());
    StateStore store = provider.getStore(0L, Option.empty(), false, false);
    put(store, 1);
    new RocksDbSnapshotSchedule(5).opened(store);
    assertThat(store.commit()).isEqualTo(1);
  }

  private static StateStoreProvider rocksDbProvider(Path dir) {
    return rocksDbProvider(dir, 0);
  }

  private static StateStoreProvider rocksDbProvider(Path dir, int partition) {
    SQLConf sql = new SQLConf();
    sql.setConfString("spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    sql.setConfString("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    sql.setConfString("spark.sql.streaming.stateStore.minDeltasForSnapshot", String.valueOf(MIN_DELTAS));
    sql.setConfString("spark.sql.streaming.stateStore.commitValidation.enabled", "false");
    StateStoreConf conf = new StateStoreConf(sql, emptyMap());
    return StateStoreProvider$.MODULE$.createAndInit(
        new StateStoreProviderId(new StateStoreId(dir.toString(), 0, partition, "default"), UUID.randomUUID()),
        KEY, VALUE, new NoPrefixKeyStateEncoderSpec(KEY), false, conf, new Configuration(), false, Option.empty());
  }

  private static void put(StateStore store, int key) {
    UnsafeRow k = UnsafeProjection.create(KEY).apply(new GenericInternalRow(new Object[] {key})).copy();
    UnsafeRow v = UnsafeProjection.create(VALUE).apply(new GenericInternalRow(new Object[] {(long) key})).copy();
    store.put(k, v, StateStore.DEFAULT_COL_FAMILY_NAME());
  }

  private static long lastSnapshotVersion(StateStore store) throws Exception {
    return (Long) sparkRocksDbMethod(store, "lastSnapshotVersion");
  }

  private static long activeMemtableEntries(StateStore store) throws Exception {
    return rocksDb(store).getLongProperty("rocksdb.num-entries-active-mem-table");
  }

  private static RocksDB rocksDb(StateStore store) throws Exception {
    return (RocksDB) sparkRocksDbMethod(store, "db");
  }

  /** A no-argument method of the Spark RocksDB instance behind {@code store}, called by reflection. */
  private static Object sparkRocksDbMethod(StateStore store, String name) throws Exception {
    Object provider = store.getClass().getField("$outer").get(store);
    Object rocksDb = provider.getClass().getMethod("rocksDB").invoke(provider);
    Method method = rocksDb.getClass().getDeclaredMethod(name);
    method.setAccessible(true);
    return method.invoke(rocksDb);
  }

  private static scala.collection.immutable.Map<String, String> emptyMap() {
    return scala.collection.immutable.Map$.MODULE$.empty();
  }
}
