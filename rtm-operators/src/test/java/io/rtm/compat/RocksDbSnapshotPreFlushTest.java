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

class RocksDbSnapshotPreFlushTest {
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
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(94, 100, -1, 5)).isFalse();
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(95, 100, -1, 5)).isTrue();
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(96, 100, 100, 5)).isFalse();
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(99, 100, -1, 5)).isTrue();
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(100, 100, -1, 5)).isFalse();
    assertThat(RocksDbSnapshotPreFlush.flushUntilSnapshot(195, 200, 100, 5)).isTrue();
  }

  /**
   * On Spark 4.2.0's own RocksDB store: before the window the memtable keeps the epoch's writes;
   * opening the first epoch inside it empties the memtable in the background.
   */
  @Test
  void aRealRocksDbStoreFlushesItsMemtableAheadOfTheSnapshot() throws Exception {
    provider = rocksDbProvider(Files.createTempDirectory("rtm-preflush"));
    RocksDbSnapshotPreFlush preFlush = new RocksDbSnapshotPreFlush(5);
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
  void anotherProviderIsLeftAlone() throws Exception {
    SQLConf sql = new SQLConf();
    provider = StateStoreProvider$.MODULE$.createAndInit(
        new StateStoreProviderId(new StateStoreId(Files.createTempDirectory("rtm-hdfs").toString(), 0, 0, "default"),
            UUID.randomUUID()),
        KEY, VALUE, new NoPrefixKeyStateEncoderSpec(KEY), false, new StateStoreConf(sql, emptyMap()),
        new Configuration(), false, Option.empty());
    StateStore store = provider.getStore(0L, Option.empty(), false, false);
    put(store, 1);
    new RocksDbSnapshotPreFlush(5).opened(store);
    assertThat(store.commit()).isEqualTo(1);
  }

  private static StateStoreProvider rocksDbProvider(Path dir) {
    SQLConf sql = new SQLConf();
    sql.setConfString("spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    sql.setConfString("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    sql.setConfString("spark.sql.streaming.stateStore.minDeltasForSnapshot", String.valueOf(MIN_DELTAS));
    sql.setConfString("spark.sql.streaming.stateStore.commitValidation.enabled", "false");
    StateStoreConf conf = new StateStoreConf(sql, emptyMap());
    return StateStoreProvider$.MODULE$.createAndInit(
        new StateStoreProviderId(new StateStoreId(dir.toString(), 0, 0, "default"), UUID.randomUUID()),
        KEY, VALUE, new NoPrefixKeyStateEncoderSpec(KEY), false, conf, new Configuration(), false, Option.empty());
  }

  private static void put(StateStore store, int key) {
    UnsafeRow k = UnsafeProjection.create(KEY).apply(new GenericInternalRow(new Object[] {key})).copy();
    UnsafeRow v = UnsafeProjection.create(VALUE).apply(new GenericInternalRow(new Object[] {(long) key})).copy();
    store.put(k, v, StateStore.DEFAULT_COL_FAMILY_NAME());
  }

  private static long activeMemtableEntries(StateStore store) throws Exception {
    return rocksDb(store).getLongProperty("rocksdb.num-entries-active-mem-table");
  }

  private static RocksDB rocksDb(StateStore store) throws Exception {
    Object provider = store.getClass().getField("$outer").get(store);
    Object rocksDb = provider.getClass().getMethod("rocksDB").invoke(provider);
    Method db = rocksDb.getClass().getDeclaredMethod("db");
    db.setAccessible(true);
    return (RocksDB) db.invoke(rocksDb);
  }

  private static scala.collection.immutable.Map<String, String> emptyMap() {
    return scala.collection.immutable.Map$.MODULE$.empty();
  }
}
