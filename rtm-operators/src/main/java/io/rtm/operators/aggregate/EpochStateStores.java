package io.rtm.operators.aggregate;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.sql.execution.streaming.state.NoPrefixKeyStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStore$;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.execution.streaming.state.StateStoreId;
import org.apache.spark.sql.execution.streaming.state.StateStoreProviderId;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;

/**
 * Opens an operator's state store for one epoch, in Spark's state store providers (HDFS-backed by
 * default, RocksDB with {@code spark.sql.streaming.stateStore.providerClass}). Epoch e reads
 * version e, the state after epoch e-1, and commits version e+1 when e's barrier passes the
 * operator; a query restarted at epoch e therefore sees exactly the state after e-1, which is what
 * the commit log says was committed. Call surface checked against Spark 4.2.0
 * ({@code StateStore.get}, {@code StateStoreProviderId}, {@code StateStoreId}).
 */
public record EpochStateStores(
    String checkpointLocation,
    UUID queryRunId,
    long operatorId,
    StructType keySchema,
    StructType valueSchema,
    StateStoreConf storeConf,
    SerializableConfiguration hadoopConf) implements Serializable {

  StateStore open(int partition, long epoch) {
    StateStoreProviderId id = new StateStoreProviderId(
        new StateStoreId(checkpointLocation, operatorId, partition, StateStoreId.DEFAULT_STORE_NAME()),
        queryRunId);
    return StateStore$.MODULE$.get(id, keySchema, valueSchema, new NoPrefixKeyStateEncoderSpec(keySchema),
        epoch, Option.empty(), Option.empty(), false, storeConf, hadoopConf.value(), false);
  }
}
