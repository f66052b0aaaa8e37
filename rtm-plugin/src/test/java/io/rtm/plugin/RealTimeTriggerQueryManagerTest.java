package io.rtm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.execution.streaming.ContinuousTrigger;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RealTimeTriggerQueryManagerTest {
  /** A v2 table with streaming writes, like Kafka's. */
  private static class V2Sink implements SupportsWrite {
    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
      throw new UnsupportedOperationException("not written to");
    }

    @Override
    public String name() {
      return "v2-sink";
    }

    @Override
    public StructType schema() {
      return new StructType();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.STREAMING_WRITE);
    }
  }

  /** A table without v2 writes (what a V1 sink looks like to the manager). */
  private static class ReadOnly implements Table {
    @Override
    public String name() {
      return "read-only";
    }

    @Override
    public StructType schema() {
      return new StructType();
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of();
    }
  }

  @Test
  void sparksRealTimeTriggerBecomesAContinuousTriggerWithTheBatchDurationAsEpochInterval() {
    Trigger effective = RealTimeTriggerQueryManager.onPluginEngine(true, Trigger.RealTime("2 seconds"), new V2Sink());
    assertThat(effective).isEqualTo(ContinuousTrigger.apply(2000));
  }

  @Test
  void theDefaultFiveMinuteBatchDurationIsKept() {
    assertThat(RealTimeTriggerQueryManager.onPluginEngine(true, Trigger.RealTime(), new V2Sink()))
        .isEqualTo(ContinuousTrigger.apply(5 * 60 * 1000));
  }

  @Test
  void switchOffOrAV1SinkLeavesTheTriggerToSpark() {
    Trigger realTime = Trigger.RealTime("2 seconds");
    assertThat(RealTimeTriggerQueryManager.onPluginEngine(false, realTime, new V2Sink())).isSameAs(realTime);
    assertThat(RealTimeTriggerQueryManager.onPluginEngine(true, realTime, new ReadOnly())).isSameAs(realTime);
  }

  @Test
  void otherTriggersAreUntouched() {
    Trigger continuous = Trigger.Continuous("100 milliseconds");
    Trigger processingTime = Trigger.ProcessingTime("1 second");
    assertThat(RealTimeTriggerQueryManager.onPluginEngine(true, continuous, new V2Sink())).isSameAs(continuous);
    assertThat(RealTimeTriggerQueryManager.onPluginEngine(true, processingTime, new V2Sink())).isSameAs(processingTime);
  }
}
