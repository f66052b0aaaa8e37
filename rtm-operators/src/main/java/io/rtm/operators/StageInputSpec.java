package io.rtm.operators;

import io.rtm.compat.KafkaPollingReader;
import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.registry.ExecutorServices;
import io.rtm.shuffle.InputGate;
import io.rtm.shuffle.ProducerAddress;
import io.rtm.shuffle.ShuffleTransportConf;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReader;
import org.apache.spark.sql.connector.read.streaming.ContinuousPartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** How a stage task opens its input; built on the driver, shipped with the stage. */
public sealed interface StageInputSpec extends Serializable {
  EpochInput open(StageContext stage, int partition, TaskContext context, EpochCoordination coordinator)
      throws Exception;

  /** A continuous source partition per task. */
  record Source(
      ContinuousPartitionReaderFactory readerFactory,
      InputPartition[] partitions,
      StructType schema,
      int queueSize,
      long epochPollIntervalMs,
      boolean kafkaDirectPoll) implements StageInputSpec {
    @Override
    public EpochInput open(StageContext stage, int partition, TaskContext context, EpochCoordination coordinator) {
      InputPartition input = partitions[partition];
      if (kafkaDirectPoll && KafkaPollingReader.handles(input)) {
        return new PollingSourceEpochInput(partition, KafkaPollingReader.open(input), schema, context, coordinator,
            stage.startEpoch(), epochPollIntervalMs);
      }
      ContinuousPartitionReader<InternalRow> reader = readerFactory.createReader(input);
      return new SourceEpochInput(partition, reader, schema, context, coordinator, stage.startEpoch(),
          queueSize, epochPollIntervalMs);
    }
  }

  /** Subpartition {@code partition} of every producer task of the upstream stage. */
  record Shuffle(int upstreamStageId, int upstreamPartitions, int numFields, long producerWaitMs,
      boolean watermarkTicks) implements StageInputSpec {
    @Override
    public EpochInput open(StageContext stage, int partition, TaskContext context, EpochCoordination coordinator)
        throws Exception {
      List<ProducerAddress> producers = ExecutorServices.get()
          .awaitProducers(stage.queryRunId(), upstreamStageId, upstreamPartitions, producerWaitMs);
      InputGate gate = InputGate.connect(stage.transportConf(), stage.queryRunId(), upstreamStageId, partition, producers);
      return new ShuffleEpochInput(gate, numFields, stage.startEpoch(),
          TaskEventTime.of(context.taskAttemptId()), watermarkTicks,
          io.rtm.operators.metrics.TaskEpochMetrics.of(context.taskAttemptId()));
    }
  }

  /** Where a stage context's pieces come from; see {@link StageTaskRDD}. */
  record StageContext(String queryRunId, int stageId, long startEpoch, ShuffleTransportConf transportConf) {}
}
