package io.rtm.operators;

import io.rtm.compat.ContinuousKeys;
import io.rtm.compat.EpochCoordinatorClient;
import io.rtm.operators.eventtime.TaskEventTime;
import io.rtm.operators.eventtime.WatermarkForwarder;
import io.rtm.operators.metrics.TaskEpochMetrics;
import io.rtm.shuffle.ShuffleTransportConf;
import java.util.Collections;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.streaming.continuous.EpochTracker$;
import scala.reflect.ClassTag$;

/**
 * One long-lived task per partition of a real-time stage. {@code compute} never returns while the
 * query runs: it opens the stage's input and output, then runs Spark's operators of the stage over
 * each epoch's rows and passes the epoch on (barrier or sink commit), epoch after epoch. The task
 * does not end at an epoch boundary; only the query's stop (an interrupt) or a failure ends it.
 */
public final class StageTaskRDD extends RDD<Object> {
  private final RDD<InternalRow> operators;
  private final String queryRunId;
  private final int stageId;
  private final StageInputSpec input;
  private final StageOutputSpec output;
  private final ShuffleTransportConf transportConf;
  private final long watermarkIdleTimeoutMs;
  private final boolean resumable;
  private final String[] warmupClasses;

  /**
   * @param watermarkIdleTimeoutMs negative unless the stage holds a watermark operator
   * @param resumable the stage's operators only pull rows from their input, so one operator chain
   *     built once serves every epoch ({@link EpochRowsCursor}); otherwise it is rebuilt per epoch
   * @param warmupClasses classes the operators will initialize, started in the background before the
   *     task opens its input and output ({@link ClassWarmup})
   */
  public StageTaskRDD(RDD<InternalRow> operators, String queryRunId, int stageId,
      StageInputSpec input, StageOutputSpec output, ShuffleTransportConf transportConf, long watermarkIdleTimeoutMs,
      boolean resumable, java.util.List<String> warmupClasses) {
    super(operators, ClassTag$.MODULE$.apply(Object.class));
    this.operators = operators;
    this.queryRunId = queryRunId;
    this.stageId = stageId;
    this.input = input;
    this.output = output;
    this.transportConf = transportConf;
    this.watermarkIdleTimeoutMs = watermarkIdleTimeoutMs;
    this.resumable = resumable;
    this.warmupClasses = warmupClasses.toArray(new String[0]);
  }

  @Override
  public Partition[] getPartitions() {
    return operators.partitions();
  }

  @Override
  public scala.collection.Iterator<Object> compute(Partition split, TaskContext context) {
    if (context.attemptNumber() > 0) {
      // A lone retried task would rejoin a pipeline whose peers moved on; the query restarts whole.
      throw new IllegalStateException("[RTM_TASK_RETRY_NOT_SUPPORTED] Task " + split.index()
          + " of real-time stage " + stageId + " failed before and was retried; a real-time query "
          + "fails as a whole and resumes from its last committed epoch.");
    }
    ClassWarmup.startOnce(java.util.Arrays.asList(warmupClasses));
    long startEpoch = Long.parseLong(context.getLocalProperty(ContinuousKeys.START_EPOCH_KEY));
    EpochCoordinatorClient coordinator =
        EpochCoordinatorClient.connect(context.getLocalProperty(ContinuousKeys.EPOCH_COORDINATOR_ID_KEY));
    StageInputSpec.StageContext stage =
        new StageInputSpec.StageContext(queryRunId, stageId, startEpoch, transportConf);
    EpochTracker$.MODULE$.initializeCurrentEpoch(startEpoch);
    try (EpochOutput out = output.open(stage, split.index(), context, coordinator);
         EpochRowsCursor in = new EpochRowsCursor(input.open(stage, split.index(), context, coordinator),
             TaskEpochMetrics.of(context.taskAttemptId()))) {
      TaskInputs.register(context.taskAttemptId(), in);
      try {
        runEpochs(split, context, in, out, startEpoch);
      } finally {
        TaskInputs.unregister(context.taskAttemptId());
        TaskEventTime.forget(context.taskAttemptId());
        TaskEpochMetrics.forget(context.taskAttemptId());
      }
    } catch (Exception e) {
      throw taskFailure(e, "Real-time stage " + stageId + " task " + split.index() + " failed");
    }
    return ScalaIterators.of(Collections.emptyIterator());
  }

  /** What a task throws for {@code e}: a stop when interrupted, else the failure with its cause. */
  private static RuntimeException taskFailure(Exception e, String failed) {
    if (e instanceof InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return new TaskStoppedException(interrupted);
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(failed, e);
  }

  private void runEpochs(Partition split, TaskContext context, EpochRowsCursor in, EpochOutput out, long startEpoch)
      throws Exception {
    long epoch = startEpoch;
    WatermarkForwarder watermarks = new WatermarkForwarder(TaskEventTime.of(context.taskAttemptId()), out,
        watermarkIdleTimeoutMs);
    // Releases happen inside the operators' iterator, after every row they emitted was written out.
    TaskEventTime.of(context.taskAttemptId()).onRelease(() -> {
      try {
        watermarks.afterRelease();
      } catch (Exception e) {
        throw taskFailure(e, "Real-time stage " + stageId + " could not forward its watermark");
      }
    });
    scala.collection.Iterator<InternalRow> chain = null;
    TaskEpochMetrics metrics = TaskEpochMetrics.of(context.taskAttemptId());
    boolean atSink = output instanceof StageOutputSpec.Sink;
    EpochStatsSender stats = new EpochStatsSender(queryRunId, stageId, split.index(),
        input instanceof StageInputSpec.Source, atSink, in, out, TaskEventTime.of(context.taskAttemptId()));
    while (!context.isInterrupted()) {
      in.advance();
      out.beginEpoch(epoch);
      try {
        if (chain == null || !resumable) {
          chain = operators.compute(split, context);
        }
        scala.collection.Iterator<InternalRow> rows = chain;
        while (rows.hasNext()) {
          out.write(rows.next());
          metrics.rowOut(atSink);
          watermarks.afterRow();
        }
        watermarks.atEpochEnd();
      } catch (Exception | Error e) {
        out.abortEpoch();
        throw e;
      }
      if (in.lastEndedEpoch() != epoch) {
        throw new IllegalStateException("Real-time stage " + stageId + " expected the end of epoch "
            + epoch + " but its input ended epoch " + in.lastEndedEpoch());
      }
      stats.send(metrics, epoch);
      out.endEpoch(epoch);
      epoch++;
      EpochTracker$.MODULE$.incrementCurrentEpoch();
    }
    throw new InterruptedException("task interrupted");
  }

  /** For error messages and the UI. */
  public int stageId() {
    return stageId;
  }
}
