package io.rtm.compat;

import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.sql.connector.read.streaming.PartitionOffset;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.execution.streaming.continuous.CommitPartitionEpoch;
import org.apache.spark.sql.execution.streaming.continuous.EpochCoordinatorRef$;
import org.apache.spark.sql.execution.streaming.continuous.GetCurrentEpoch$;
import org.apache.spark.sql.execution.streaming.continuous.ReportPartitionOffset;
import org.apache.spark.sql.execution.streaming.continuous.SetReaderPartitions;
import org.apache.spark.sql.execution.streaming.continuous.SetWriterPartitions;
import scala.reflect.ClassTag$;

/**
 * Talks to the epoch coordinator that {@code ContinuousExecution} registers for every run.
 *
 * <p>The coordinator's messages are {@code private[sql]} case classes; Scala visibility is not
 * enforced in bytecode, so Java reaches them directly. Every call here was checked against
 * Spark 4.2.0 ({@code sql/core/.../streaming/continuous/EpochCoordinator.scala}); a Spark upgrade
 * must re-check this class first. The coordinator commits epoch n, in order, once every writer
 * partition sent {@code CommitPartitionEpoch(n)} and every reader partition sent
 * {@code ReportPartitionOffset(n)}: it then calls the sink's {@code StreamingWrite.commit},
 * writes the offset log entry and the commit log entry.
 */
public final class EpochCoordinatorClient implements io.rtm.operators.EpochCoordination {
  private final RpcEndpointRef ref;

  private EpochCoordinatorClient(RpcEndpointRef ref) {
    this.ref = ref;
  }

  /** The coordinator of the run whose id ContinuousExecution put in the job's local properties. */
  public static EpochCoordinatorClient connect(String coordinatorId) {
    if (coordinatorId == null) {
      throw new IllegalStateException(
          "No epoch coordinator id in the job's local properties (key "
              + ContinuousKeys.EPOCH_COORDINATOR_ID_KEY + "): the real-time engine must run "
              + "inside a continuous-trigger query execution");
    }
    return new EpochCoordinatorClient(EpochCoordinatorRef$.MODULE$.get(coordinatorId, SparkEnv.get()));
  }

  public void setReaderPartitions(int n) {
    ref.askSync(new SetReaderPartitions(n), ClassTag$.MODULE$.Unit());
  }

  public void setWriterPartitions(int n) {
    ref.askSync(new SetWriterPartitions(n), ClassTag$.MODULE$.Unit());
  }

  @Override
  public long currentEpoch() {
    Object epoch = ref.askSync(GetCurrentEpoch$.MODULE$, ClassTag$.MODULE$.Long());
    return ((Number) epoch).longValue();
  }

  @Override
  public void reportPartitionOffset(int partition, long epoch, PartitionOffset offset) {
    ref.send(new ReportPartitionOffset(partition, epoch, offset));
  }

  @Override
  public void commitPartitionEpoch(int partition, long epoch, WriterCommitMessage message) {
    ref.send(new CommitPartitionEpoch(partition, epoch, message));
  }
}
