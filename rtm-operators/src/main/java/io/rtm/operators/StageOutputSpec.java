package io.rtm.operators;

import io.rtm.compat.EpochIndependentWriters;
import io.rtm.operators.registry.ExecutorServices;
import io.rtm.shuffle.PartitionId;
import io.rtm.shuffle.ResultPartition;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;
import org.apache.spark.sql.types.StructType;

/** How a stage task opens its output; built on the driver, shipped with the stage. */
public sealed interface StageOutputSpec extends Serializable {
  EpochOutput open(StageInputSpec.StageContext stage, int partition, TaskContext context,
      EpochCoordination coordinator) throws Exception;

  /** The pipelined shuffle to the next stage. */
  record Shuffle(RowPartitioner.Spec partitioner, int numReducers, StructType schema) implements StageOutputSpec {
    @Override
    public EpochOutput open(StageInputSpec.StageContext stage, int partition, TaskContext context,
        EpochCoordination coordinator) throws Exception {
      ExecutorServices services = ExecutorServices.get();
      ResultPartition result = services.server()
          .registerPartition(new PartitionId(stage.queryRunId(), stage.stageId(), partition), numReducers);
      services.registerProducer(stage.queryRunId(), stage.stageId(), partition);
      return new ShuffleEpochOutput(result, partitioner.open(partition), UnsafeProjection.create(schema),
          io.rtm.operators.metrics.TaskEpochMetrics.of(context.taskAttemptId()));
    }
  }

  /** The query's sink. */
  record Sink(StreamingDataWriterFactory writerFactory) implements StageOutputSpec {
    @Override
    public EpochOutput open(StageInputSpec.StageContext stage, int partition, TaskContext context,
        EpochCoordination coordinator) throws Exception {
      if (writerFactory instanceof io.rtm.operators.kafka.TransactionalKafkaWriterFactory exactlyOnce) {
        return exactlyOnce.open(partition, coordinator);
      }
      if (EpochIndependentWriters.reusableAcrossEpochs(writerFactory)) {
        return new PipelinedSinkEpochOutput(writerFactory, coordinator, partition, context.taskAttemptId());
      }
      return new SinkEpochOutput(writerFactory, coordinator, partition, context.taskAttemptId());
    }
  }
}
