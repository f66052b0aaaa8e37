package io.rtm.operators;

import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.source.TimedReaders;
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

  /** How many source readers (epoch coordinator "reader partitions") this input runs. */
  int sourcePartitions();

  /**
   * A continuous source partition per task.
   *
   * @param firstReaderPartition the reader-partition id of this stage's task 0: reader ids are unique
   *     across every source stage of the query, since the epoch coordinator counts reports by id
   */
  record Source(
      ContinuousPartitionReaderFactory readerFactory,
      InputPartition[] partitions,
      StructType schema,
      int queueSize,
      long epochPollIntervalMs,
      boolean kafkaDirectPoll,
      int firstReaderPartition) implements StageInputSpec {
    @Override
    public EpochInput open(StageContext stage, int partition, TaskContext context, EpochCoordination coordinator) {
      InputPartition input = partitions[partition];
      TimedPartitionReader timed = kafkaDirectPoll ? TimedReaders.openOrNull(input) : null;
      if (timed != null) {
        return new PollingSourceEpochInput(firstReaderPartition + partition, timed, schema, context, coordinator,
            stage.queryRunId(), stage.startEpoch(), epochPollIntervalMs);
      }
      ContinuousPartitionReader<InternalRow> reader = readerFactory.createReader(input);
      return new SourceEpochInput(firstReaderPartition + partition, reader, schema, context, coordinator,
          stage.startEpoch(), queueSize, epochPollIntervalMs);
    }

    @Override
    public int sourcePartitions() {
      return partitions.length;
    }
  }

  /**
   * The input of a stage whose operators hold a {@code UnionExec}: Spark's union RDD gives task i one
   * partition of one child (children in order), so task i opens only that child's input, with the
   * child's own partition index.
   */
  record Union(StageInputSpec[] branches, int[] branchPartitions) implements StageInputSpec {
    @Override
    public EpochInput open(StageContext stage, int partition, TaskContext context, EpochCoordination coordinator)
        throws Exception {
      int local = partition;
      for (int i = 0; i < branches.length; i++) {
        if (local < branchPartitions[i]) {
          return branches[i].open(stage, local, context, coordinator);
        }
        local -= branchPartitions[i];
      }
      throw new IllegalArgumentException("Union stage task " + partition + " beyond its "
          + java.util.Arrays.stream(branchPartitions).sum() + " partitions");
    }

    @Override
    public int sourcePartitions() {
      int n = 0;
      for (StageInputSpec b : branches) {
        n += b.sourcePartitions();
      }
      return n;
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

    @Override
    public int sourcePartitions() {
      return 0;
    }
  }

  /** Where a stage context's pieces come from; see {@link StageTaskRDD}. */
  record StageContext(String queryRunId, int stageId, long startEpoch, ShuffleTransportConf transportConf) {}
}
