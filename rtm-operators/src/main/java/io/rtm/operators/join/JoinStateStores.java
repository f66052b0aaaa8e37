package io.rtm.operators.join;

import java.io.Serializable;
import java.util.UUID;
import org.apache.spark.sql.execution.streaming.state.PrefixKeyScanStateEncoderSpec;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.execution.streaming.state.StateStore$;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.execution.streaming.state.StateStoreId;
import org.apache.spark.sql.execution.streaming.state.StateStoreProviderId;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Option;

/**
 * The state of a real-time stream-stream join: one store per partition holding both sides' rows,
 * keyed by (side, join key..., sequence number) and scanned by the (side, join key...) prefix, so a
 * row probes exactly the other side's rows of its key. Versions follow the epochs as for the
 * aggregations: epoch e reads version e and commits e+1 when e's barrier passes. Its own store name
 * under the operator's directory keeps it apart from the stores Spark's micro-batch join would use.
 * Call surface checked against Spark 4.2.0 ({@code StateStore.get}, {@code PrefixKeyScanStateEncoderSpec}).
 */
public record JoinStateStores(
    String checkpointLocation,
    UUID queryRunId,
    long operatorId,
    StructType keySchema,
    StructType valueSchema,
    int prefixColumns,
    StateStoreConf storeConf,
    SerializableConfiguration hadoopConf,
    int timeIndexEntries) implements Serializable {
  static final String STORE_NAME = "rtm-join";

  StateStore open(int partition, long epoch) {
    io.rtm.compat.ForkFreeDirectoryDeletes.forStores(storeConf);
    StateStoreProviderId id = new StateStoreProviderId(
        new StateStoreId(checkpointLocation, operatorId, partition, STORE_NAME), queryRunId);
    return StateStore$.MODULE$.get(id, keySchema, valueSchema,
        new PrefixKeyScanStateEncoderSpec(keySchema, prefixColumns),
        epoch, Option.empty(), Option.empty(), false, storeConf, hadoopConf.value(), false);
  }
}
