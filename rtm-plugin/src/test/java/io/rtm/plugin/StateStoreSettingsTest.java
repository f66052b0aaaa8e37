package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.execution.streaming.state.StateStoreConf;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

class StateStoreSettingsTest {

  @Test
  void realTimeStoresSnapshotEveryHundredEpochsByDefault() {
    StateStoreConf conf = StateStoreSettings.forRealTime(new SQLConf());

    assertThat(conf.minDeltasForSnapshot()).isEqualTo(100);
    assertThat(conf.providerClass()).endsWith("RocksDBStateStoreProvider");
  }

  @Test
  void pluginKeySetsTheSnapshotDistance() {
    SQLConf sql = new SQLConf();
    sql.setConfString("spark.rtm.state.epochsPerSnapshot", "25");

    assertThat(StateStoreSettings.forRealTime(sql).minDeltasForSnapshot()).isEqualTo(25);
  }

  @Test
  void sparksOwnKeyWinsOverThePlugins() {
    SQLConf sql = new SQLConf();
    sql.setConfString("spark.rtm.state.epochsPerSnapshot", "25");
    sql.setConfString("spark.sql.streaming.stateStore.minDeltasForSnapshot", "7");

    assertThat(StateStoreSettings.forRealTime(sql).minDeltasForSnapshot()).isEqualTo(7);
  }

  @Test
  void userOptionsAreNotWrittenBackToTheSessionConf() {
    SQLConf sql = new SQLConf();
    StateStoreSettings.forRealTime(sql);

    assertThat(sql.contains("spark.sql.streaming.stateStore.minDeltasForSnapshot")).isFalse();
  }

  @Test
  void commitsDoNotAskTheCoordinatorUnlessTheUserWantsIt() {
    assertThat(StateStoreSettings.forRealTime(new SQLConf()).commitValidationEnabled()).isFalse();
    assertThat(StateStoreSettings.forWatermark(new SQLConf()).commitValidationEnabled()).isFalse();

    SQLConf sql = new SQLConf();
    sql.setConfString("spark.sql.streaming.stateStore.commitValidation.enabled", "true");
    assertThat(StateStoreSettings.forRealTime(sql).commitValidationEnabled()).isTrue();
  }

  @Test
  void theFlushAheadDistanceTravelsToTheTasksInTheStoreOptions() {
    assertThat(StateStoreSettings.forRealTime(new SQLConf()).extraOptions().get("spark.rtm.state.flushAheadEpochs").get())
        .isEqualTo("5");

    SQLConf sql = new SQLConf();
    sql.setConfString("spark.rtm.state.flushAheadEpochs", "0");
    assertThat(StateStoreSettings.forRealTime(sql).extraOptions().get("spark.rtm.state.flushAheadEpochs").get())
        .isEqualTo("0");
  }

  @Test
  void forkFreeDeletesTravelToTheTasksInTheStoreOptionsAndCanBeTurnedOff() {
    assertThat(StateStoreSettings.forRealTime(new SQLConf()).extraOptions().get("spark.rtm.state.forkFreeDeletes").get())
        .isEqualTo("true");

    SQLConf sql = new SQLConf();
    sql.setConfString("spark.rtm.state.forkFreeDeletes", "false");
    assertThat(StateStoreSettings.forRealTime(sql).extraOptions().get("spark.rtm.state.forkFreeDeletes").get())
        .isEqualTo("false");
    sql.setConfString("spark.rtm.state.forkFreeDeletes", "sometimes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StateStoreSettings.forRealTime(sql))
        .hasMessageContaining("spark.rtm.state.forkFreeDeletes");
  }
}
