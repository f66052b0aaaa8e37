package io.rtm.operators.aggregate;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.sql.execution.streaming.state.KeyStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.NoPrefixKeyStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.PrefixKeyScanStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStore$;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.execution.streaming.state.StateStoreId;
import org.apache.spark.sql.execution.streaming.state.StateStoreProviderId;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;

/**
 * Opens an operator's state store for one epoch, in Spark's state store providers (HDFS-backed by
 * default, RocksDB with {@code spark.sql.streaming.stateStore.providerClass}). Epoch e reads
 * version e, the state after epoch e-1, and commits version e+1 when e's barrier passes the
 * operator; a query restarted at epoch e therefore sees exactly the state after e-1, which is what
 * the commit log says was committed. An operator that reads event time also keeps its partition's
 * watermark in a second, one-row store ({@link #WATERMARK_STORE_NAME}) versioned with the first, so
 * a restart from epoch e starts from the watermark reached at the end of e-1. {@code timeIndexEntries}
 * bounds the operator's in-memory {@link EventTimeIndex}; with {@code prefixColumns} > 0 the
 * operator's store is read by that many leading key columns ({@code prefixScan}). Call surface checked against Spark 4.2.0
 * ({@code StateStore.get}, {@code StateStoreProviderId}, {@code StateStoreId}).
 */
public record EpochStateStores(
    String checkpointLocation,
    UUID queryRunId,
    long operatorId,
    StructType keySchema,
    StructType valueSchema,
    StateStoreConf storeConf,
    StateStoreConf watermarkStoreConf,
    SerializableConfiguration hadoopConf,
    int timeIndexEntries,
    int prefixColumns) implements Serializable {

  /** The store beside the operator's own that holds the partition's watermark, one version per epoch. */
  static final String WATERMARK_STORE_NAME = "rtmWatermark";
  static final StructType WATERMARK_KEY = new StructType().add("partition", DataTypes.IntegerType, false);
  static final StructType WATERMARK_VALUE = new StructType().add("watermarkMs", DataTypes.LongType, false);

  /** Whether the operator keeps its watermark with each epoch (it reads event time). */
  boolean persistsWatermark() {
    return watermarkStoreConf != null;
  }

  StateStore open(int partition, long epoch) {
    return open(StateStoreId.DEFAULT_STORE_NAME(), partition, epoch, keySchema, valueSchema, storeConf,
        prefixColumns > 0 ? new PrefixKeyScanStateEncoderSpec(keySchema, prefixColumns)
            : new NoPrefixKeyStateEncoderSpec(keySchema));
  }

  /** The watermark store at the same version as the operator's own (same epoch, same commit). */
  StateStore openWatermark(int partition, long epoch) {
    return open(WATERMARK_STORE_NAME, partition, epoch, WATERMARK_KEY, WATERMARK_VALUE, watermarkStoreConf,
        new NoPrefixKeyStateEncoderSpec(WATERMARK_KEY));
  }

  private StateStore open(String storeName, int partition, long epoch, StructType keys, StructType values,
      StateStoreConf conf, KeyStateEncoderSpec encoder) {
    io.rtm.compat.ForkFreeDirectoryDeletes.forStores(conf);
    StateStoreProviderId id = new StateStoreProviderId(
        new StateStoreId(checkpointLocation, operatorId, partition, storeName), queryRunId);
    return StateStore$.MODULE$.get(id, keys, values, encoder,
        epoch, Option.empty(), Option.empty(), false, conf, hadoopConf.value(), false);
  }
}
