package io.rtm.plugin;

import io.rtm.config.RtmOptions;
import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.internal.SQLConf;

/**
 * The state store configuration of real-time stateful operators. They commit a version per epoch,
 * so the provider must not copy the whole state per version: unless the user chose a provider,
 * RocksDB with changelog checkpointing ({@link RtmOptions#STATE_STORE_PROVIDER}); and a snapshot
 * only every {@link RtmOptions#STATE_EPOCHS_PER_SNAPSHOT} versions, because RocksDB makes it on
 * the task thread inside commit.
 */
final class StateStoreSettings {
  static final String PROVIDER_KEY = "spark.sql.streaming.stateStore.providerClass";
  static final String CHANGELOG_KEY = "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled";
  static final String MIN_DELTAS_KEY = "spark.sql.streaming.stateStore.minDeltasForSnapshot";
  static final String COMMIT_VALIDATION_KEY = "spark.sql.streaming.stateStore.commitValidation.enabled";

  private StateStoreSettings() {}

  static StateStoreConf forRealTime(SQLConf conf) {
    SQLConf effective = conf.clone();
    if (!conf.contains(PROVIDER_KEY)) {
      String provider = conf.getConfString(RtmOptions.STATE_STORE_PROVIDER.key(),
          RtmOptions.STATE_STORE_PROVIDER.defaultValue());
      effective.setConfString(PROVIDER_KEY, provider);
      if (!conf.contains(CHANGELOG_KEY)) {
        effective.setConfString(CHANGELOG_KEY, "true");
      }
    }
    if (!conf.contains(MIN_DELTAS_KEY)) {
      effective.setConfString(MIN_DELTAS_KEY, conf.getConfString(RtmOptions.STATE_EPOCHS_PER_SNAPSHOT.key(),
          String.valueOf(RtmOptions.STATE_EPOCHS_PER_SNAPSHOT.defaultValue())));
    }
    withoutCommitValidation(conf, effective);
    // Spark's providers read only the extra options they know; the tasks read these.
    return new StateStoreConf(effective, new scala.collection.immutable.Map.Map3<>(
        RtmOptions.STATE_FLUSH_AHEAD_EPOCHS.key(), taskOption(conf, RtmOptions.STATE_FLUSH_AHEAD_EPOCHS),
        RtmOptions.STATE_FORK_FREE_DELETES.key(), taskOption(conf, RtmOptions.STATE_FORK_FREE_DELETES),
        RtmOptions.STATE_STAGGER_SNAPSHOTS.key(), taskOption(conf, RtmOptions.STATE_STAGGER_SNAPSHOTS)));
  }

  /** The user's value of an option the tasks read, or its default; checked here, on the driver. */
  private static String taskOption(SQLConf conf, io.rtm.config.ConfigOption<?> option) {
    String value = conf.getConfString(option.key(), String.valueOf(option.defaultValue()));
    option.parse(value);
    return value;
  }

  /** How many state keys an event-time operator indexes on the heap per task. */
  static int timeIndexEntries(SQLConf conf) {
    String value = conf.getConfString(RtmOptions.STATE_EVENT_TIME_INDEX_ENTRIES.key(), null);
    return value != null ? RtmOptions.STATE_EVENT_TIME_INDEX_ENTRIES.parse(value)
        : RtmOptions.STATE_EVENT_TIME_INDEX_ENTRIES.defaultValue();
  }

  /**
   * The one-row watermark store of an event-time operator: Spark's HDFS-backed provider whatever
   * the operator's own store uses, since copying one row per version costs nothing and it saves a
   * RocksDB instance per partition.
   */
  static StateStoreConf forWatermark(SQLConf conf) {
    SQLConf effective = conf.clone();
    effective.setConfString(PROVIDER_KEY,
        "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider");
    withoutCommitValidation(conf, effective);
    return new StateStoreConf(effective, scala.collection.immutable.Map$.MODULE$.empty());
  }

  /**
   * Spark 4.2.0 checks with commit validation that a foreachBatch function committed every
   * partition of a micro-batch: each commit asks the driver's state store coordinator
   * synchronously, on the task thread that every row of the next epoch waits for, for a check that
   * means nothing to a real-time stage. The user's own setting stands.
   */
  private static void withoutCommitValidation(SQLConf user, SQLConf effective) {
    if (!user.contains(COMMIT_VALIDATION_KEY)) {
      effective.setConfString(COMMIT_VALIDATION_KEY, "false");
    }
  }
}
