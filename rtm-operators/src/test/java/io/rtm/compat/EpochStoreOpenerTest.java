package io.rtm.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import scala.Option;

class EpochStoreOpenerTest {
  private static final StructType KEY = new StructType().add("k", DataTypes.IntegerType, false);
  private static final StructType VALUE = new StructType().add("v", DataTypes.LongType, false);

  /** Spark's two providers: later epochs come from the provider, and see every earlier commit. */
  @ParameterizedTest
  @ValueSource(strings = {
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
      "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider"})
  void onlyTheFirstEpochGoesThroughSparksRegistry(String providerClass) throws Exception {
    SQLConf sql = new SQLConf();
    sql.setConfString("spark.sql.streaming.stateStore.providerClass", providerClass);
    sql.setConfString("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    StateStoreProvider provider = StateStoreProvider$.MODULE$.createAndInit(
        new StateStoreProviderId(new StateStoreId(Files.createTempDirectory("rtm-opener").toString(), 0, 0, "default"),
            UUID.randomUUID()),
        KEY, VALUE, new NoPrefixKeyStateEncoderSpec(KEY), false,
        new StateStoreConf(sql, scala.collection.immutable.Map$.MODULE$.empty()), new Configuration(), false,
        Option.empty());
    try {
      AtomicInteger viaSpark = new AtomicInteger();
      EpochStoreOpener opener = new EpochStoreOpener("test");
      for (long version = 0; version < 5; version++) {
        StateStore store = opener.open(version, v -> {
          viaSpark.incrementAndGet();
          return provider.getStore(v, Option.empty(), false, false);
        });
        assertThat(store.version()).isEqualTo(version);
        UnsafeRow previous = store.get(key(0), StateStore.DEFAULT_COL_FAMILY_NAME());
        assertThat(previous == null ? -1 : previous.getLong(0)).isEqualTo(version - 1);
        store.put(key(0), value(version), StateStore.DEFAULT_COL_FAMILY_NAME());
        store.commit();
      }
      assertThat(viaSpark).hasValue(1);
      assertThat(opener.opensFromProvider()).isTrue();
    } finally {
      provider.close();
    }
  }

  private static UnsafeRow key(int k) {
    return UnsafeProjection.create(KEY).apply(new GenericInternalRow(new Object[] {k})).copy();
  }

  private static UnsafeRow value(long v) {
    return UnsafeProjection.create(VALUE).apply(new GenericInternalRow(new Object[] {v})).copy();
  }
}
